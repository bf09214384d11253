import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/security/standard-webhooks.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { z } from 'zod';
import { getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, JobBody, RolloutBody, RoutingBody } from '../helpers/api-schemas.js';
import { startTraffic } from '../helpers/traffic.js';

const adminKey = 'rollout-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
const windowSeconds = 3;
const intervalSeconds = 0.5;

const AlertListBody = z.looseObject({
  data: z.array(z.looseObject({ alert_type: z.string(), message: z.string() })),
});
/** The guardrail results a `rolled_back` decision records in its details. */
const BreachGuardrails = z.array(z.looseObject({ name: z.string() }));

async function patchProvider(
  url: string,
  id: string,
  profile: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${url}/admin/providers/${id}`, {
    method: 'PATCH',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify(profile),
  });
  expect(response.status).toBe(200);
}

async function waitForRollout(
  url: string,
  id: string,
  accept: (rollout: RolloutBody) => boolean,
  timeoutMs = 40_000,
): Promise<RolloutBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = RolloutBody.parse((await getJson(`${url}/admin/rollouts/${id}`, admin)).body);
    if (accept(body)) return body;
    if (Date.now() > deadline)
      throw new Error(
        `rollout never reached the expected state: ${JSON.stringify({ status: body.status, stage: body.stage, reason: body.reason, guardrails: body.guardrails })}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Compressed time: stages and windows of seconds, 1 s rollup buckets. */
function gatewayConfig() {
  return {
    adminKey,
    providers: [
      {
        id: 'fal',
        type: 'simulator',
        latencyMs: { p50: 60, p95: 120 },
        models: ['sim-image'],
        costPerImage: 0.002,
      },
      {
        id: 'runware',
        type: 'simulator',
        latencyMs: { p50: 60, p95: 120 },
        models: ['sim-image'],
        costPerImage: 0.002,
      },
    ],
    health: {
      checkIntervalSeconds: 0,
      breaker: {
        consecutiveFailures: 1000,
        failureRatio: 1,
        minimumRequests: 1000,
        windowSeconds: 60,
        cooldownSeconds: 1,
      },
    },
    analytics: { rollupBucketSeconds: 1, flushIntervalMs: 200 },
    rollouts: { tickSeconds: 0.1, leaseSeconds: 3 },
    jobs: { pollInitialMs: 50, pollMaxMs: 200 },
  };
}

function rolloutBody(
  stages: { weight: number; minDurationSeconds: number }[],
  limits: { latencyMs?: number; guardrailsEnabled?: boolean } = {},
) {
  const guardrail = (limit: number) => ({
    limit,
    windowSeconds,
    minSamples: 5,
    enabled: limits.guardrailsEnabled ?? true,
  });
  return {
    baseline: 'fal',
    canary: 'runware',
    model: 'sim-image',
    stages,
    intervalSeconds,
    breachConfirmations: 1,
    guardrails: {
      // Generous unless a test targets latency: a loaded CI machine must not trip it by accident.
      p95_latency: guardrail(limits.latencyMs ?? 10_000),
      failure_rate: guardrail(0.02),
      cost_per_output: guardrail(1.2),
      regenerate_rate: guardrail(0.05),
    },
    reason: 'test',
  };
}

/** The operator's alert endpoint: records what it receives. */
async function startAlertReceiver() {
  const received: { headers: Record<string, string | undefined>; body: string }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers))
        headers[name] = Array.isArray(value) ? value[0] : value;
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const alertSecret = 'whsec_' + Buffer.from('rollout-alert-secret-0123456789ab').toString('base64');

describe('canary rollouts', { timeout: 90_000 }, () => {
  let test: TestGateway;
  let alertReceiver: Awaited<ReturnType<typeof startAlertReceiver>>;
  beforeAll(async () => {
    alertReceiver = await startAlertReceiver();
    test = await startTestGateway('pglite', {
      ...gatewayConfig(),
      alerts: { webhookUrl: alertReceiver.url, allowPrivateTargets: true },
      webhooks: { secret: alertSecret },
    });
  });
  afterAll(async () => {
    await test?.close();
    await alertReceiver?.close();
  });

  it('should promote a healthy canary through every stage to 100 % without failing a request', async () => {
    const traffic = startTraffic(test.url, { concurrency: 8, model: 'sim-image' });
    const started = await postJson(
      `${test.url}/admin/rollouts`,
      rolloutBody([
        { weight: 0.1, minDurationSeconds: 4 },
        { weight: 0.5, minDurationSeconds: 3 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
      admin,
    );
    expect(started.status).toBe(201);
    const rollout = RolloutBody.parse(started.body);
    expect(rollout.weights).toEqual({ fal: 0.9, runware: 0.1 });
    let done: RolloutBody;
    try {
      done = await waitForRollout(test.url, rollout.id, (rollout) => rollout.status !== 'active');
    } finally {
      await traffic.stop();
    }
    const results = traffic.results;
    expect(done.status).toBe('completed');
    expect(done.decisions.map((decision) => decision.decision).reverse()).toEqual([
      'started',
      'promoted',
      'promoted',
      'completed',
    ]);
    expect(done.weights).toEqual({ fal: 0, runware: 1 });
    const routing = RoutingBody.parse((await getJson(`${test.url}/admin/routing`, admin)).body);
    expect(routing.models['sim-image']?.chain?.[0]).toBe('runware');
    // No client saw a failure during the switch.
    expect(results.filter((result) => result.status !== 'succeeded')).toEqual([]);
    // During stage 1 the split matched 90/10 (binomial tolerance: 4 standard deviations).
    const decisions = [...done.decisions].reverse();
    const stageOne = results.filter(
      (result) =>
        result.createdAt > Date.parse(decisions[0]!.at) + 300 &&
        result.createdAt < Date.parse(decisions[1]!.at) - 300,
    );
    expect(stageOne.length).toBeGreaterThan(40);
    const share =
      stageOne.filter((result) => result.provider === 'runware').length / stageOne.length;
    const tolerance = 4 * Math.sqrt((0.1 * 0.9) / stageOne.length);
    expect(Math.abs(share - 0.1)).toBeLessThan(tolerance);
    // After completion everything goes to the canary.
    const after = await postJson(`${test.url}/v1/generations?wait=10`, {
      model: 'sim-image',
      prompt: 'after',
      user: 'after-completion',
      width: 64,
      height: 64,
    });
    expect(JobBody.parse(after.body).provider).toBe('runware');
  });

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
      (url) => patchProvider(url, 'runware', { latencyMs: { p50: 3000, p95: 3400 } }),
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
            await postJson(`${url}/v1/generations/${result.id}/regenerate`, {});
        };
      },
    ],
  ];

  it.each(degradations)(
    'should roll back a canary that degrades at 50 %% (%s) within one window plus one interval',
    async (_name, guardrail, degrade, onResult) => {
      await patchProvider(test.url, 'runware', {
        failureRate: 0,
        latencyMs: { p50: 60, p95: 120 },
        costPerImage: 0.002,
      });
      // Let the previous test's degraded samples age out of every window.
      await new Promise((resolve) => setTimeout(resolve, (windowSeconds + 1.5) * 1000));
      let regenerating = false;
      const handler = onResult?.(test.url);
      const traffic = startTraffic(test.url, {
        concurrency: 8,
        model: 'sim-image',
        onResult: (result) => (regenerating && handler ? handler(result) : undefined),
      });
      let done: RolloutBody;
      let onset: number;
      let results: Awaited<ReturnType<typeof traffic.stop>>;
      let startedId: string;
      try {
        const started = await postJson(
          `${test.url}/admin/rollouts`,
          rolloutBody(
            [
              { weight: 0.1, minDurationSeconds: 1 },
              { weight: 0.5, minDurationSeconds: 600 },
              { weight: 1, minDurationSeconds: 0 },
            ],
            guardrail === 'p95_latency' ? { latencyMs: 2000 } : {},
          ),
          admin,
        );
        expect(started.status).toBe(201);
        startedId = RolloutBody.parse(started.body).id;
        await waitForRollout(test.url, startedId, (rollout) => rollout.stage.index === 1);
        // Let the 50 % stage collect healthy data first, so only the degradation can trip a guardrail.
        await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
        onset = Date.now();
        await degrade(test.url);
        regenerating = true;
        done = await waitForRollout(test.url, startedId, (rollout) => rollout.status !== 'active');
      } finally {
        results = await traffic.stop();
      }
      const reactionMs = Date.parse(done.finished_at!) - onset;
      expect(done.status).toBe('rolled_back');
      expect(done.reason).toContain(guardrail);
      expect(done.weights).toEqual({ fal: 1, runware: 0 });
      // One window plus one interval, plus the 1 s rollup bucket and the 0.2 s analytics flush.
      expect(reactionMs).toBeLessThan((windowSeconds + intervalSeconds + 1 + 0.2) * 1000 + 500);
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
            alert.alert_type === 'rollout_rolled_back' && alert.message.includes(startedId),
        ),
      ).toBe(true);
      // The operator's URL got the same alert, signed per Standard Webhooks.
      const deadline = Date.now() + 5000;
      let delivery: { headers: Record<string, string | undefined>; body: string } | undefined;
      while (!delivery && Date.now() < deadline) {
        delivery = alertReceiver.received.find((entry) => entry.body.includes(startedId));
        if (!delivery) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(delivery).toBeDefined();
      verifyWebhook({ secret: alertSecret, headers: delivery!.headers, body: delivery!.body });
      expect(JSON.parse(delivery!.body)).toMatchObject({
        type: 'alert.rollout_rolled_back',
        data: { severity: 'critical', details: { rollout_id: startedId } },
      });
    },
  );

  it('should support pause, resume, manual promote and manual rollback, and refuse a second live rollout', async () => {
    await patchProvider(test.url, 'runware', {
      failureRate: 0,
      latencyMs: { p50: 60, p95: 120 },
      costPerImage: 0.002,
    });
    const started = await postJson(
      `${test.url}/admin/rollouts`,
      // Only manual decisions here: the previous test's samples must not trip a guardrail.
      rolloutBody(
        [
          { weight: 0.2, minDurationSeconds: 600 },
          { weight: 0.6, minDurationSeconds: 600 },
          { weight: 1, minDurationSeconds: 0 },
        ],
        { guardrailsEnabled: false },
      ),
      admin,
    );
    const id = RolloutBody.parse(started.body).id;
    const second = await postJson(
      `${test.url}/admin/rollouts`,
      rolloutBody([{ weight: 0.1, minDurationSeconds: 1 }]),
      admin,
    );
    expect(second.status).toBe(409);
    expect(ErrorBody.parse(second.body).error.code).toBe('rollout_in_progress');
    expect(
      RolloutBody.parse((await postJson(`${test.url}/admin/rollouts/${id}/pause`, {}, admin)).body)
        .status,
    ).toBe('paused');
    expect(
      RolloutBody.parse((await postJson(`${test.url}/admin/rollouts/${id}/resume`, {}, admin)).body)
        .status,
    ).toBe('active');
    const promoted = RolloutBody.parse(
      (await postJson(`${test.url}/admin/rollouts/${id}/promote`, {}, admin)).body,
    );
    expect(promoted.stage.index).toBe(1);
    expect(promoted.weights).toEqual({ fal: 0.4, runware: 0.6 });
    const rolledBack = await postJson(
      `${test.url}/admin/rollouts/${id}/rollback`,
      { reason: 'operator saw artifacts' },
      admin,
    );
    expect(rolledBack.body).toMatchObject({
      status: 'rolled_back',
      reason: 'manual: operator saw artifacts',
      weights: { fal: 1, runware: 0 },
    });
    const again = await postJson(`${test.url}/admin/rollouts/${id}/rollback`, {}, admin);
    expect(again.status).toBe(409);
    const invalid = await postJson(
      `${test.url}/admin/rollouts`,
      { baseline: 'fal', canary: 'fal' },
      admin,
    );
    expect(invalid.status).toBe(400);
  });

  it('should record feedback and regenerations', async () => {
    const job = await postJson(`${test.url}/v1/generations?wait=10`, {
      model: 'sim-image',
      prompt: 'rate me',
      width: 64,
      height: 64,
      seed: 3,
    });
    const { id } = JobBody.parse(job.body);
    const feedback = await postJson(`${test.url}/v1/generations/${id}/feedback`, {
      rating: 4,
      comment: 'nice',
    });
    expect(feedback.status).toBe(201);
    expect(feedback.body).toMatchObject({ generation_id: id, rating: 4 });
    expect(
      (await postJson(`${test.url}/v1/generations/${id}/feedback`, { rating: 9 })).status,
    ).toBe(400);
    const redo = await postJson(`${test.url}/v1/generations/${id}/regenerate`, {});
    expect(redo.status).toBe(202);
    const redone = JobBody.parse(redo.body);
    expect(redone.regenerated_from).toBe(id);
    expect(redone.request.seed).toBeUndefined();
    await test.gateway.analytics.flush();
    const { rows } = await test.gateway.database.query<{ details: { reason: string } }>(
      `SELECT details FROM analytics_events WHERE event_type = 'voucher_issued' AND job_id = $1`,
      [id],
    );
    expect(rows[0]?.details.reason).toBe('regenerate');
  });
});
