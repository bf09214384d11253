import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { RolloutBody } from '../helpers/api-schemas.js';
import { startTraffic } from '../helpers/traffic.js';

const adminKey = 'rollout-instances-key';
const admin = { authorization: `Bearer ${adminKey}` };
const config = {
  adminKey,
  providers: [
    { id: 'fal', type: 'simulator', latencyMs: { p50: 50, p95: 100 }, models: ['sim-image'] },
    { id: 'runware', type: 'simulator', latencyMs: { p50: 50, p95: 100 }, models: ['sim-image'] },
  ],
  health: { checkIntervalSeconds: 0 },
  analytics: { rollupBucketSeconds: 1, flushIntervalMs: 200 },
  rollouts: { tickSeconds: 0.1, leaseSeconds: 2 },
  jobs: { pollInitialMs: 50, pollMaxMs: 200 },
  routing: { reloadIntervalSeconds: 1 },
};
const guardrail = (limit: number) => ({ limit, windowSeconds: 3, minSamples: 5 });
const plan = (stages: { weight: number; minDurationSeconds: number }[]) => ({
  baseline: 'fal',
  canary: 'runware',
  model: 'sim-image',
  stages,
  intervalSeconds: 0.5,
  guardrails: {
    p95_latency: guardrail(2000),
    failure_rate: guardrail(0.02),
    cost_per_output: guardrail(1.2),
    regenerate_rate: guardrail(0.05),
  },
});

async function waitFor(
  url: string,
  id: string,
  accept: (body: RolloutBody) => boolean,
): Promise<RolloutBody> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const body = RolloutBody.parse((await getJson(`${url}/admin/rollouts/${id}`, admin)).body);
    if (accept(body)) return body;
    if (Date.now() > deadline)
      throw new Error(
        `rollout stuck: ${JSON.stringify({ status: body.status, stage: body.stage })}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('rollouts across gateway instances on PostgreSQL', { timeout: 120_000 }, () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const gateways: TestGateway[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close().catch(() => undefined);
    await database?.drop();
  });

  it('should let exactly one of two instances run the controller', async () => {
    const first = await startTestGateway('postgres', config, { databaseUrl: database.url });
    const second = await startTestGateway('postgres', config, {
      databaseUrl: database.url,
      dataDir: first.dataDir,
    });
    gateways.push(first, second);
    const traffic = [
      startTraffic(first.url, { concurrency: 4, model: 'sim-image' }),
      startTraffic(second.url, { concurrency: 4, model: 'sim-image' }),
    ];
    let done: RolloutBody;
    try {
      const started = await postJson(
        `${second.url}/admin/rollouts`,
        plan([
          { weight: 0.2, minDurationSeconds: 2 },
          { weight: 1, minDurationSeconds: 0 },
        ]),
        admin,
      );
      expect(started.status).toBe(201);
      done = await waitFor(
        first.url,
        RolloutBody.parse(started.body).id,
        (body) => body.status !== 'active',
      );
    } finally {
      await Promise.all(traffic.map((lane) => lane.stop()));
    }
    expect(done.status).toBe('completed');
    const leaders = [first, second].filter((gateway) => gateway.gateway.rolloutController.isLeader);
    expect(leaders).toHaveLength(1);
    const { rows } = await first.gateway.database.query<{ actor: string; count: number }>(
      `SELECT actor, count(*)::int AS count FROM rollout_decisions WHERE rollout_id = $1 AND decision = 'evaluated' GROUP BY actor`,
      [done.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe(`controller:${leaders[0]!.gateway.rolloutController.lease.holder}`);
    expect(rows[0]!.count).toBeGreaterThan(2);
    for (const gateway of gateways.splice(0)) await gateway.close();
  });

  it('should continue a rollout where it was after the gateway restarts', async () => {
    const before = await startTestGateway('postgres', config, { databaseUrl: database.url });
    gateways.push(before);
    const traffic = startTraffic(before.url, { concurrency: 6, model: 'sim-image' });
    let id: string;
    try {
      const started = await postJson(
        `${before.url}/admin/rollouts`,
        plan([
          { weight: 0.1, minDurationSeconds: 1 },
          { weight: 0.5, minDurationSeconds: 6 },
          { weight: 1, minDurationSeconds: 0 },
        ]),
        admin,
      );
      id = RolloutBody.parse(started.body).id;
      await waitFor(before.url, id, (body) => body.stage.index === 1);
    } finally {
      await traffic.stop();
    }
    await before.close();
    gateways.splice(0);

    const after = await startTestGateway('postgres', config, { databaseUrl: database.url });
    gateways.push(after);
    const resumed = (await getJson(`${after.url}/admin/rollouts/${id}`, admin)).body;
    expect(resumed).toMatchObject({
      status: 'active',
      stage: { index: 1 },
      weights: { fal: 0.5, runware: 0.5 },
    });
    const trafficAfter = startTraffic(after.url, { concurrency: 6, model: 'sim-image' });
    let done: RolloutBody;
    try {
      done = await waitFor(after.url, id, (body) => body.status !== 'active');
    } finally {
      await trafficAfter.stop();
    }
    expect(done.status).toBe('completed');
    const stages = done.decisions
      .reverse()
      .map((decision) => `${decision.decision}:${decision.stage}`);
    expect(stages).toEqual(['started:0', 'promoted:1', 'promoted:2', 'completed:2']);
  });
});
