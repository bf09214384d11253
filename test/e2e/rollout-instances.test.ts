import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { getJson } from '../helpers/http-client.js';
import { RolloutBody } from '../helpers/api-schemas.js';
import { sendBatch } from '../helpers/traffic.js';
import { createTestClock } from '../helpers/test-clock.js';
import { rolloutHarness, type RolloutHarness } from '../helpers/rollout-harness.js';

const adminKey = 'rollout-instances-key';
const admin = { authorization: `Bearer ${adminKey}` };
const intervalMs = 500;
/** The gateways' shared time: the tests move it and tick the controllers themselves. */
const clock = createTestClock();
const config = {
  adminKey,
  providers: [
    { id: 'fal', type: 'simulator', latencyMs: { p50: 0, p95: 0 }, models: ['sim-image'] },
    { id: 'runware', type: 'simulator', latencyMs: { p50: 0, p95: 0 }, models: ['sim-image'] },
  ],
  health: { checkIntervalSeconds: 0 },
  analytics: { rollupBucketSeconds: 1, flushIntervalMs: 200 },
  // A lease far longer than the test: only a release (graceful stop) hands it over here.
  rollouts: { enabled: false, tickSeconds: 0.1, leaseSeconds: 60 },
  jobs: { pollInitialMs: 50, pollMaxMs: 200 },
  routing: { reloadIntervalSeconds: 1 },
};
const guardrail = (limit: number) => ({ limit, windowSeconds: 3, minSamples: 5 });
const plan = (stages: { weight: number; minDurationSeconds: number }[]) => ({
  baseline: 'fal',
  canary: 'runware',
  model: 'sim-image',
  stages,
  intervalSeconds: intervalMs / 1000,
  guardrails: {
    p95_latency: guardrail(2000),
    failure_rate: guardrail(0.02),
    cost_per_output: guardrail(1.2),
    regenerate_rate: guardrail(0.05),
  },
});

interface Instance {
  test: TestGateway;
  rollouts: RolloutHarness;
}

async function startInstance(databaseUrl: string, dataDir?: string): Promise<Instance> {
  const test = await startTestGateway('postgres', config, { databaseUrl, dataDir, now: clock.now });
  return { test, rollouts: rolloutHarness(test) };
}

async function stopInstance(instance: Instance): Promise<void> {
  await instance.rollouts.stop();
  await instance.test.close();
}

const readRollout = async (instance: Instance, id: string) =>
  RolloutBody.parse((await getJson(`${instance.test.url}/admin/rollouts/${id}`, admin)).body);

/**
 * One interval on every instance: traffic through each, every instance's analytics written,
 * then each controller ticks (in `order`), as their timers would.
 */
let steps = 0;
async function step(instances: Instance[], count: number, order = instances): Promise<void> {
  steps++;
  await Promise.all(
    instances.map((instance, index) =>
      sendBatch(instance.test.url, {
        count,
        concurrency: 4,
        model: 'sim-image',
        // Named users: the sticky split is the same every run.
        userPrefix: `step-${steps}-${index}`,
        headers: admin,
      }),
    ),
  );
  await Promise.all(instances.map((instance) => instance.test.gateway.analytics.flush()));
  for (const instance of order) await instance.rollouts.tick();
}

describe('rollouts across gateway instances on PostgreSQL', { timeout: 120_000 }, () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const instances: Instance[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterAll(async () => {
    for (const instance of instances) await stopInstance(instance).catch(() => undefined);
    await database?.drop();
  });

  it('should let exactly one of two instances run the controller', async () => {
    const first = await startInstance(database.url);
    const second = await startInstance(database.url, first.test.dataDir);
    instances.push(first, second);
    const started = await second.rollouts.start(
      plan([
        { weight: 0.2, minDurationSeconds: 2 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
    );
    let done = await readRollout(first, started.id);
    for (let index = 0; done.status === 'active'; index++) {
      if (index > 20) throw new Error(`rollout stuck: ${JSON.stringify(done.stage)}`);
      // Both controllers tick every interval, in turn first; the lease admits one of them.
      await step([first, second], 12, index % 2 ? [second, first] : [first, second]);
      done = await readRollout(first, started.id);
      clock.advance(intervalMs);
    }
    expect(done.status).toBe('completed');
    const leaders = [first, second].filter((instance) => instance.rollouts.controller.isLeader);
    expect(leaders).toHaveLength(1);
    const { rows } = await first.test.gateway.database.query<{ actor: string; count: number }>(
      `SELECT actor, count(*)::int AS count FROM rollout_decisions WHERE rollout_id = $1 AND decision = 'evaluated' GROUP BY actor`,
      [done.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe(`controller:${leaders[0]!.rollouts.controller.lease.holder}`);
    expect(rows[0]!.count).toBeGreaterThan(2);
    for (const instance of instances.splice(0)) await stopInstance(instance);
  });

  it('should continue a rollout where it was after the gateway restarts', async () => {
    const before = await startInstance(database.url);
    instances.push(before);
    const started = await before.rollouts.start(
      plan([
        { weight: 0.1, minDurationSeconds: 1 },
        { weight: 0.5, minDurationSeconds: 6 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
    );
    for (let index = 0; (await readRollout(before, started.id)).stage.index === 0; index++) {
      if (index > 10) throw new Error('stage 1 never ended');
      if (index > 0) clock.advance(intervalMs);
      await step([before], 24);
    }
    await stopInstance(before);
    instances.splice(0);

    const after = await startInstance(database.url);
    instances.push(after);
    const resumed = (await getJson(`${after.test.url}/admin/rollouts/${started.id}`, admin)).body;
    expect(resumed).toMatchObject({
      status: 'active',
      stage: { index: 1 },
      weights: { fal: 0.5, runware: 0.5 },
    });
    let done = await readRollout(after, started.id);
    for (let index = 0; done.status === 'active'; index++) {
      if (index > 20) throw new Error(`rollout stuck: ${JSON.stringify(done.stage)}`);
      clock.advance(intervalMs);
      await step([after], 12);
      done = await readRollout(after, started.id);
    }
    expect(done.status).toBe('completed');
    const decisions = done.decisions.reverse();
    expect(decisions.map((decision) => `${decision.decision}:${decision.stage}`)).toEqual([
      'started:0',
      'promoted:1',
      'promoted:2',
      'completed:2',
    ]);
    // The second stage lasted its 6 s across the restart, then the last one completed at the
    // next interval.
    const at = decisions.map((decision) => Date.parse(decision.at));
    expect(at[2]! - at[1]!).toBe(6000);
    expect(at[3]! - at[2]!).toBe(intervalMs);
  });
});
