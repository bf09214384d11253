import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, JobBody, RolloutBody, RoutingBody } from '../helpers/api-schemas.js';
import type { TrafficResult } from '../helpers/traffic.js';
import type { RolloutHarness } from '../helpers/rollout-harness.js';
import type { TestClock } from '../helpers/test-clock.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import {
  admin,
  intervalMs,
  patchProvider,
  rolloutBody,
  startRolloutScenario,
  type RolloutScenario,
} from '../helpers/rollout-scenario.js';

describe('canary rollouts', { timeout: 90_000 }, () => {
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
  const readRollout = (id: string) => scenario.readRollout(id);
  const step: RolloutScenario['step'] = (...args) => scenario.step(...args);
  const stepUntil: RolloutScenario['stepUntil'] = (...args) => scenario.stepUntil(...args);

  it('should promote a healthy canary through every stage to 100 % without failing a request', async () => {
    const started = await rollouts.start(
      rolloutBody([
        { weight: 0.1, minDurationSeconds: 4 },
        { weight: 0.5, minDurationSeconds: 3 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
    );
    const startedAt = clock.now();
    expect((await readRollout(started.id)).weights).toEqual({ fal: 0.9, runware: 0.1 });
    const results: TrafficResult[] = [];
    // Stage 1 holds, evaluated every interval, until it has lasted its 4 s (at 10 %, batches of
    // 24 give the canary about 17 samples per window).
    const stageOne: TrafficResult[] = [];
    for (let elapsed = 0; elapsed < 4000; elapsed += intervalMs) {
      const rollout = await step(started.id, stageOne, { count: 24, concurrency: 8 });
      expect(rollout, `at ${elapsed} ms: ${rollout.reason ?? ''}`).toMatchObject({
        status: 'active',
        stage: { index: 0 },
      });
      clock.advance(intervalMs);
    }
    expect(await step(started.id, stageOne, { count: 24, concurrency: 8 })).toMatchObject({
      status: 'active',
      stage: { index: 1 },
      weights: { fal: 0.5, runware: 0.5 },
    });
    results.push(...stageOne);
    // Stage 2 (50 %) lasts 3 s; the last stage has no minimum and completes at the next interval.
    clock.advance(intervalMs);
    const done = await stepUntil(
      started.id,
      results,
      (rollout) => rollout.status !== 'active',
      4000,
    );
    expect(done.status).toBe('completed');
    const decisions = [...done.decisions].reverse();
    expect(decisions.map((decision) => decision.decision)).toEqual([
      'started',
      'promoted',
      'promoted',
      'completed',
    ]);
    expect(decisions.map((decision) => Date.parse(decision.at) - startedAt)).toEqual([
      0, 4000, 7000, 7500,
    ]);
    expect(done.weights).toEqual({ fal: 0, runware: 1 });
    const routing = RoutingBody.parse((await getJson(`${test.url}/admin/routing`, admin)).body);
    expect(routing.models['sim-image']?.chain?.[0]).toBe('runware');
    // No client saw a failure during the switch.
    expect(results.filter((result) => result.status !== 'succeeded')).toEqual([]);
    // During stage 1 the split matched 90/10 (binomial tolerance: 4 standard deviations).
    expect(stageOne.length).toBeGreaterThan(40);
    const share =
      stageOne.filter((result) => result.provider === 'runware').length / stageOne.length;
    const tolerance = 4 * Math.sqrt((0.1 * 0.9) / stageOne.length);
    expect(Math.abs(share - 0.1)).toBeLessThan(tolerance);
    // After completion everything goes to the canary.
    const after = await postJson(
      `${test.url}/v1/generations?wait=10`,
      {
        model: 'sim-image',
        prompt: 'after',
        user: 'after-completion',
        width: 64,
        height: 64,
      },
      admin,
    );
    expect(JobBody.parse(after.body).provider).toBe('runware');
  });

  it('should support pause, resume, manual promote and manual rollback, and refuse a second live rollout', async () => {
    await patchProvider(test.url, 'runware', {
      failureRate: 0,
      latencyMs: { p50: 0, p95: 0 },
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
    const job = await postJson(
      `${test.url}/v1/generations?wait=10`,
      {
        model: 'sim-image',
        prompt: 'rate me',
        width: 64,
        height: 64,
        seed: 3,
      },
      admin,
    );
    const { id } = JobBody.parse(job.body);
    const feedback = await postJson(
      `${test.url}/v1/generations/${id}/feedback`,
      {
        rating: 4,
        comment: 'nice',
      },
      admin,
    );
    expect(feedback.status).toBe(201);
    expect(feedback.body).toMatchObject({ generation_id: id, rating: 4 });
    expect(
      (await postJson(`${test.url}/v1/generations/${id}/feedback`, { rating: 9 }, admin)).status,
    ).toBe(400);
    const redo = await postJson(`${test.url}/v1/generations/${id}/regenerate`, {}, admin);
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
