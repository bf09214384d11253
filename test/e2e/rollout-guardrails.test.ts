import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { verifyWebhook } from '../../src/security/standard-webhooks.js';
import { getJson, postJson } from '../helpers/http-client.js';
import type { TrafficResult } from '../helpers/traffic.js';
import type { RolloutHarness } from '../helpers/rollout-harness.js';
import type { TestClock } from '../helpers/test-clock.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import {
  admin,
  alertSecret,
  intervalMs,
  intervalSeconds,
  patchProvider,
  rolloutBody,
  startRolloutScenario,
  windowSeconds,
  type RolloutScenario,
} from '../helpers/rollout-scenario.js';

const AlertListBody = z.looseObject({
  data: z.array(z.looseObject({ alert_type: z.string(), message: z.string() })),
});
/** The guardrail results a `rolled_back` decision records in its details. */
const BreachGuardrails = z.array(z.looseObject({ name: z.string() }));

describe('canary rollout guardrails', { timeout: 90_000 }, () => {
  let scenario: RolloutScenario;
  let test: TestGateway;
  let rollouts: RolloutHarness;
  let clock: TestClock;
  beforeAll(async () => {
    scenario = await startRolloutScenario();
    ({ test, rollouts, clock } = scenario);
  });
  afterAll(async () => {
    await scenario?.close();
  });
  const step: RolloutScenario['step'] = (...args) => scenario.step(...args);
  const stepUntil: RolloutScenario['stepUntil'] = (...args) => scenario.stepUntil(...args);

  const degradations: [
    string,
    string,
    (url: string) => Promise<void>,
    (
      | ((
          url: string,
        ) => (result: { id: string; provider: string | null; status: string }) => Promise<void>)
      | undefined
    ),
  ][] = [
    [
      'failure rate 10 %',
      'failure_rate',
      (url) => patchProvider(url, 'runware', { failureRate: 0.1, failureKinds: ['server_error'] }),
      undefined,
    ],
    [
      'p95 latency 1.5× the limit',
      'p95_latency',
      (url) => patchProvider(url, 'runware', { latencyMs: { p50: 450, p95: 510 } }),
      undefined,
    ],
    [
      'cost 1.5× baseline',
      'cost_per_output',
      (url) => patchProvider(url, 'runware', { costPerImage: 0.003 }),
      undefined,
    ],
    [
      'regenerate rate 8 %',
      'regenerate_rate',
      async () => undefined,
      (url) => {
        let canarySuccesses = 0;
        return async (result) => {
          if (result.provider !== 'runware' || result.status !== 'succeeded') return;
          // Every 12th success of the canary is redone: 8.3 % against a 5 % limit.
          if (++canarySuccesses % 12 === 0)
            await postJson(`${url}/v1/generations/${result.id}/regenerate`, {}, admin);
        };
      },
    ],
  ];

  it.each(degradations)(
    'should roll back a canary that degrades at 50 %% (%s) within one window plus one interval',
    async (_name, guardrail, degrade, onResult) => {
      await patchProvider(test.url, 'runware', {
        failureRate: 0,
        latencyMs: { p50: 0, p95: 0 },
        costPerImage: 0.002,
      });
      // The previous test's degraded samples age out of every window.
      clock.advance((windowSeconds + 1.5) * 1000);
      const results: TrafficResult[] = [];
      const started = await rollouts.start(
        rolloutBody(
          [
            { weight: 0.1, minDurationSeconds: 1 },
            { weight: 0.5, minDurationSeconds: 600 },
            { weight: 1, minDurationSeconds: 0 },
          ],
          guardrail === 'p95_latency' ? { latencyMs: 300 } : {},
        ),
      );
      await stepUntil(started.id, results, (rollout) => rollout.stage.index === 1, 5000, {
        count: 24,
        concurrency: 8,
      });
      // The 50 % stage collects one window of healthy data, so only the degradation can trip a
      // guardrail.
      for (let elapsed = 0; elapsed < windowSeconds * 1000; elapsed += intervalMs) {
        clock.advance(intervalMs);
        expect(await step(started.id, results)).toMatchObject({
          status: 'active',
          stage: { index: 1 },
        });
      }
      clock.advance(intervalMs);
      const onset = clock.now();
      await degrade(test.url);
      const handler = onResult?.(test.url);
      // One window plus one interval, plus the 1 s rollup bucket (gateway time).
      const bound = (windowSeconds + intervalSeconds + 1) * 1000;
      const done = await stepUntil(
        started.id,
        results,
        (rollout) => rollout.status !== 'active',
        bound,
        guardrail === 'p95_latency'
          ? // The slow canary's jobs finish only when the gateway's time moves on.
            { count: 20, concurrency: 20, whileStuck: () => clock.advance(intervalMs) }
          : // 10 % failures need a few more samples to show within the bound.
            { count: guardrail === 'failure_rate' ? 20 : 10, onResult: handler },
      );
      const reactionMs = Date.parse(done.finished_at!) - onset;
      expect(done.status).toBe('rolled_back');
      expect(done.reason).toContain(guardrail);
      expect(done.weights).toEqual({ fal: 1, runware: 0 });
      expect(reactionMs).toBeLessThanOrEqual(bound);
      const breach = done.decisions.find((decision) => decision.decision === 'rolled_back');
      expect(
        BreachGuardrails.parse(breach?.details.guardrails).map((result) => result.name),
      ).toContain(guardrail);
      expect(results.filter((result) => result.status !== 'succeeded')).toEqual([]);
      const alerts = AlertListBody.parse(
        (await getJson(`${test.url}/admin/alerts`, admin)).body,
      ).data;
      expect(
        alerts.some(
          (alert) =>
            alert.alert_type === 'rollout_rolled_back' && alert.message.includes(started.id),
        ),
      ).toBe(true);
      // The operator's URL got the same alert, signed per Standard Webhooks.
      const deadline = Date.now() + 5000;
      let delivery: { headers: Record<string, string | undefined>; body: string } | undefined;
      while (!delivery && Date.now() < deadline) {
        delivery = scenario.alertReceiver.received.find((entry) => entry.body.includes(started.id));
        if (!delivery) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(delivery).toBeDefined();
      verifyWebhook({ secret: alertSecret, headers: delivery!.headers, body: delivery!.body });
      expect(JSON.parse(delivery!.body)).toMatchObject({
        type: 'alert.rollout_rolled_back',
        data: { severity: 'critical', details: { rollout_id: started.id } },
      });
    },
  );
});
