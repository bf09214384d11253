import { runCli } from '../helpers/run-cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, JobBody, RolloutBody } from '../helpers/api-schemas.js';
import { seededRandom } from '../helpers/simulated-rollout.js';
import { sendBatch, type TrafficResult } from '../helpers/traffic.js';
import {
  admin,
  adminKey,
  intervalMs,
  patchProvider,
  rolloutBody,
  startRolloutScenario,
  windowSeconds,
  type RolloutScenario,
} from '../helpers/rollout-scenario.js';

const ShadowBody = z.object({
  status: z.enum(['running', 'ended']),
  outcome: z.string().nullable(),
  fraction: z.number(),
  budget_usd: z.number(),
  copies: z.number(),
  reserved_usd: z.number(),
  spent_usd: z.number(),
  budget_spent_at: z.string().nullable(),
  succeeded: z.number(),
  failed: z.number(),
  unfinished: z.number(),
  recent_jobs: z.array(
    z.object({
      id: z.string(),
      client_job_id: z.string(),
      status: z.string(),
      provider: z.string().nullable(),
      cost_usd: z.number().nullable(),
      error_code: z.string().nullable(),
      outputs: z.array(z.object({ asset_id: z.string(), url: z.string() })),
    }),
  ),
});
const ShadowRolloutBody = RolloutBody.extend({
  stage: RolloutBody.shape.stage.extend({ phase: z.enum(['shadow', 'live']) }),
  shadow: ShadowBody,
});
type ShadowRolloutBody = z.infer<typeof ShadowRolloutBody>;

/** The simulators' price per image: a $0.02 budget pays for exactly ten copies. */
const pricePerImage = 0.002;

describe('the shadow stage of a rollout', { timeout: 120_000 }, () => {
  let scenario: RolloutScenario;
  let url: string;
  let batches = 0;
  beforeAll(async () => {
    scenario = await startRolloutScenario({}, { random: seededRandom(13) });
    url = scenario.test.url;
  });
  afterAll(async () => {
    await scenario?.close();
  });

  const readShadowRollout = async (id: string): Promise<ShadowRolloutBody> =>
    ShadowRolloutBody.parse((await getJson(`${url}/admin/rollouts/${id}`, admin)).body);

  /** Every copy made so far has reached a terminal state (the queue workers run them). */
  async function copiesFinished(id: string): Promise<ShadowRolloutBody> {
    await scenario.test.gateway.shadowCopier.settled();
    for (let look = 0; look < 600; look++) {
      const rollout = await readShadowRollout(id);
      if (rollout.shadow.unfinished === 0) return rollout;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('shadow copies never finished');
  }

  /** A batch of client traffic, answered with `?wait=`, and its copies finished. */
  async function traffic(id: string, results: TrafficResult[]): Promise<ShadowRolloutBody> {
    results.push(
      ...(await sendBatch(url, {
        count: 10,
        concurrency: 5,
        model: 'sim-image',
        userPrefix: `shadow-${++batches}`,
        headers: admin,
      })),
    );
    return copiesFinished(id);
  }

  const start = async (body: Record<string, unknown>) => {
    const response = await postJson(`${url}/admin/rollouts`, body, admin);
    expect(response.status).toBe(201);
    return ShadowRolloutBody.parse(response.body);
  };

  it('should refuse a shadow fraction or budget out of range with a 400 naming it', async () => {
    const stages = [{ weight: 1, minDurationSeconds: 0 }];
    for (const [shadow, message] of [
      [{ fraction: 0, budgetUsd: 5 }, 'fraction must be above 0'],
      [{ fraction: 1.5, budgetUsd: 5 }, 'fraction must be at most 1'],
      [{ fraction: 0.1, budgetUsd: 0 }, 'budgetUsd must be above 0'],
    ] as const) {
      const response = await postJson(
        `${url}/admin/rollouts`,
        { ...rolloutBody(stages), shadow },
        admin,
      );
      expect(response.status).toBe(400);
      expect(ErrorBody.parse(response.body).error.message).toContain(message);
    }
    const rollouts = z
      .object({ data: z.array(z.unknown()) })
      .parse((await getJson(`${url}/admin/rollouts`, admin)).body);
    expect(rollouts.data).toHaveLength(0);
  });

  it('should answer clients from the baseline only, store the shadow results, and stop copying at the budget', async () => {
    const started = await start({
      ...rolloutBody([
        { weight: 0.5, minDurationSeconds: 60 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
      shadow: { fraction: 0.5, budgetUsd: 10 * pricePerImage },
    });
    expect(started.stage.phase).toBe('shadow');
    expect(started.weights).toEqual({ fal: 1, runware: 0 });
    expect(started.shadow).toMatchObject({ status: 'running', copies: 0, fraction: 0.5 });

    const results: TrafficResult[] = [];
    let rollout = started;
    for (;;) {
      expect(batches).toBeLessThan(10);
      rollout = await traffic(started.id, results);
      if (rollout.shadow.reserved_usd >= rollout.shadow.budget_usd - 1e-9) break;
      await scenario.rollouts.tick();
      scenario.clock.advance(intervalMs);
      expect((await readShadowRollout(started.id)).stage.phase).toBe('shadow');
    }
    const copiesAtBudget = rollout.shadow.copies;
    expect(copiesAtBudget).toBe(10);

    // More traffic with the budget spent: sampled requests are refused a copy.
    const before = results.length;
    rollout = await traffic(started.id, results);
    expect(results.length - before).toBe(10);
    expect(rollout.shadow.copies).toBe(copiesAtBudget);
    expect(rollout.shadow.budget_spent_at).not.toBeNull();
    expect(rollout.shadow).toMatchObject({ succeeded: 10, failed: 0, unfinished: 0 });
    expect(rollout.shadow.spent_usd).toBeCloseTo(10 * pricePerImage, 9);
    expect(rollout.shadow.reserved_usd).toBeCloseTo(10 * pricePerImage, 9);

    // Every client was answered by the baseline, and saw no copy.
    expect(results.length).toBeGreaterThan(copiesAtBudget);
    expect(results.every((result) => result.status === 'succeeded')).toBe(true);
    expect(results.every((result) => result.provider === 'fal')).toBe(true);
    const clientIds = new Set(results.map((result) => result.id));
    expect(rollout.shadow.recent_jobs).toHaveLength(5);
    for (const copy of rollout.shadow.recent_jobs) {
      expect(copy).toMatchObject({ status: 'succeeded', provider: 'runware' });
      expect(copy.cost_usd).toBeCloseTo(pricePerImage, 9);
      expect(clientIds.has(copy.client_job_id)).toBe(true);
      expect(copy.outputs).toHaveLength(1);
      const asset = await fetch(`${url}${copy.outputs[0]!.url}`, { headers: admin });
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect((await getJson(`${url}/v1/generations/${copy.id}`, admin)).status).toBe(404);
    }
    const listed = z
      .object({ data: z.array(JobBody.pick({ id: true, provider: true })) })
      .parse((await getJson(`${url}/v1/generations?limit=100`, admin)).body);
    const copyIds = new Set(rollout.shadow.recent_jobs.map((copy) => copy.id));
    expect(listed.data.length).toBe(results.length);
    expect(listed.data.some((job) => copyIds.has(job.id))).toBe(false);

    // The guardrails judged the copies against the live baseline, and held: stage 1 goes live.
    await scenario.rollouts.tick();
    rollout = await readShadowRollout(started.id);
    expect(rollout.status).toBe('active');
    expect(rollout.stage.phase).toBe('live');
    expect(rollout.weights).toEqual({ fal: 0.5, runware: 0.5 });
    expect(rollout.shadow).toMatchObject({ status: 'ended', outcome: 'promoted' });
    const promoted = rollout.decisions.find((decision) => decision.decision === 'promoted');
    expect(promoted?.details).toMatchObject({ from: 'shadow' });
    expect(String(promoted?.details.reason)).toContain('every guardrail held');
    expect(
      (
        z.object({ guardrails: z.array(z.object({ status: z.string() })) }).parse(promoted?.details)
          .guardrails ?? []
      ).every((guardrail) => guardrail.status === 'pass'),
    ).toBe(true);

    // Live now: no more copies, whatever the traffic.
    await traffic(started.id, results);
    expect((await readShadowRollout(started.id)).shadow.copies).toBe(copiesAtBudget);

    const shown = await runCli(url, ['rollout', 'status', started.id], adminKey);
    expect(shown).toContain('shadow ended (promoted): 50% of requests copied to runware');
    expect(shown).toContain(
      'shadow copies 10 (10 succeeded, 0 failed, 0 unfinished); spent $0.0200 of $0.02',
    );
    expect(shown).toContain('budget spent at');
    await postJson(`${url}/admin/rollouts/${started.id}/rollback`, { reason: 'next test' }, admin);
  });

  it('should roll back when the canary fails its copies, while every client job succeeds', async () => {
    await patchProvider(url, 'runware', { failureRate: 1, failureKinds: ['server_error'] });
    // Past the window of the previous rollout's live canary traffic.
    scenario.clock.advance((windowSeconds + 1) * 1000);
    const started = await start({
      ...rolloutBody([{ weight: 1, minDurationSeconds: 0 }]),
      shadow: { fraction: 1, budgetUsd: 5 },
    });
    expect(started.stage.phase).toBe('shadow');
    const results: TrafficResult[] = [];
    let rollout = started;
    while (rollout.status === 'active') {
      expect(batches).toBeLessThan(20);
      await traffic(started.id, results);
      await scenario.rollouts.tick();
      scenario.clock.advance(intervalMs);
      rollout = await readShadowRollout(started.id);
    }
    expect(rollout.status).toBe('rolled_back');
    expect(rollout.reason).toMatch(/^failure_rate 100\.0% > limit 2\.0%/);
    expect(rollout.weights).toEqual({ fal: 1, runware: 0 });
    expect(rollout.shadow).toMatchObject({ status: 'ended', outcome: 'rolled_back', succeeded: 0 });
    expect(rollout.shadow.failed).toBe(rollout.shadow.copies);
    expect(rollout.shadow.copies).toBe(results.length);
    for (const copy of rollout.shadow.recent_jobs) {
      expect(copy.status).toBe('failed');
      expect(copy.error_code).not.toBeNull();
    }
    expect(results.every((result) => result.status === 'succeeded')).toBe(true);
    expect(results.every((result) => result.provider === 'fal')).toBe(true);

    const shown = await runCli(url, ['rollout', 'status', started.id], adminKey);
    expect(shown).toContain('rolled_back');
    expect(shown).toContain('shadow ended (rolled_back)');
    expect(shown).toContain('reason: failure_rate 100.0% > limit 2.0%');
  });
});
