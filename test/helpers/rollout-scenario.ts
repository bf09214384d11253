import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { getJson } from './http-client.js';
import { RolloutBody } from './api-schemas.js';
import { rolloutHarness, type RolloutHarness } from './rollout-harness.js';
import { createTestClock, type TestClock } from './test-clock.js';
import { startTestGateway, type TestGateway } from './test-gateway.js';
import { sendBatch, type TrafficResult } from './traffic.js';

export const adminKey = 'rollout-admin-key';
export const admin = { authorization: `Bearer ${adminKey}` };
export const windowSeconds = 3;
export const intervalSeconds = 0.5;
export const intervalMs = intervalSeconds * 1000;

export async function patchProvider(
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

/**
 * Compressed time: stages and windows of seconds, 1 s rollup buckets. The simulators answer at
 * once in gateway time (a latency is simulated on the gateway's clock, so a job with one waits
 * until the test moves the clock). The controller does not tick by itself: the tests tick it.
 */
export function gatewayConfig() {
  return {
    adminKey,
    providers: [
      {
        id: 'fal',
        type: 'simulator',
        latencyMs: { p50: 0, p95: 0 },
        models: ['sim-image'],
        costPerImage: 0.002,
      },
      {
        id: 'runware',
        type: 'simulator',
        latencyMs: { p50: 0, p95: 0 },
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
    rollouts: { enabled: false, tickSeconds: 0.1, leaseSeconds: 3 },
    jobs: { pollInitialMs: 50, pollMaxMs: 200 },
  };
}

export function rolloutBody(
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
      // Generous unless a test targets latency (latencies are measured on the test clock).
      p95_latency: guardrail(limits.latencyMs ?? 10_000),
      failure_rate: guardrail(0.02),
      cost_per_output: guardrail(1.2),
      regenerate_rate: guardrail(0.05),
    },
    reason: 'test',
  };
}

/** The operator's alert endpoint: records what it receives. */
export async function startAlertReceiver() {
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

export const alertSecret =
  'whsec_' + Buffer.from('rollout-alert-secret-0123456789ab').toString('base64');

/**
 * A gateway on a test clock with its rollout harness and the operator's alert receiver: the
 * tests move the clock, send traffic and tick the controller; nothing sleeps through a window.
 * `config` replaces top-level entries of {@link gatewayConfig} (other providers, say).
 */
export async function startRolloutScenario(
  config: Record<string, unknown> = {},
  options: { random?: () => number } = {},
) {
  const clock: TestClock = createTestClock();
  const alertReceiver = await startAlertReceiver();
  const test: TestGateway = await startTestGateway(
    'pglite',
    {
      ...gatewayConfig(),
      ...config,
      alerts: { webhookUrl: alertReceiver.url, allowPrivateTargets: true },
      webhooks: { secret: alertSecret },
    },
    { now: clock.now, random: options.random },
  );
  const rollouts: RolloutHarness = rolloutHarness(test);
  let steps = 0;
  const readRollout = async (id: string) =>
    RolloutBody.parse((await getJson(`${test.url}/admin/rollouts/${id}`, admin)).body);

  /**
   * One controller interval: a batch of traffic at the current gateway time (10 requests: at
   * 50 % a window of 3 s holds about 30 canary samples against a minimum of 5), then one tick;
   * returns the rollout as the API shows it afterwards.
   */
  async function step(
    id: string,
    results: TrafficResult[],
    batch: Partial<Parameters<typeof sendBatch>[1]> = {},
  ): Promise<RolloutBody> {
    results.push(
      ...(await sendBatch(test.url, {
        count: 10,
        concurrency: 5,
        model: 'sim-image',
        // Named users: the sticky split (and so each arm's sample count) is the same every run.
        userPrefix: `step-${++steps}`,
        headers: admin,
        ...batch,
      })),
    );
    await rollouts.tick();
    return readRollout(id);
  }

  /** Steps interval by interval until `accept` holds; fails after `limitMs` of gateway time. */
  async function stepUntil(
    id: string,
    results: TrafficResult[],
    accept: (rollout: RolloutBody) => boolean,
    limitMs: number,
    batch: Partial<Parameters<typeof sendBatch>[1]> = {},
  ): Promise<RolloutBody> {
    const begin = clock.now();
    for (;;) {
      const rollout = await step(id, results, batch);
      if (accept(rollout)) return rollout;
      if (clock.now() - begin >= limitMs)
        throw new Error(
          `rollout never reached the expected state within ${limitMs} ms: ${JSON.stringify({ status: rollout.status, stage: rollout.stage, reason: rollout.reason, guardrails: rollout.guardrails })}`,
        );
      clock.advance(intervalMs);
    }
  }

  return {
    clock,
    test,
    rollouts,
    alertReceiver,
    readRollout,
    step,
    stepUntil,
    async close() {
      await rollouts.stop();
      await test.close();
      await alertReceiver.close();
    },
  };
}
export type RolloutScenario = Awaited<ReturnType<typeof startRolloutScenario>>;
