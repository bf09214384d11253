import { runCli } from '../helpers/run-cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rendezvousScore } from '../../src/routing/strategies/weighted-strategy.js';
import { deleteJson, getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, JobBody, RolloutBody } from '../helpers/api-schemas.js';
import type { TrafficResult } from '../helpers/traffic.js';
import type { RolloutHarness } from '../helpers/rollout-harness.js';
import type { TestClock } from '../helpers/test-clock.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import {
  admin,
  adminKey,
  intervalMs,
  intervalSeconds,
  patchProvider,
  rolloutBody,
  startRolloutScenario,
  windowSeconds,
  type RolloutScenario,
} from '../helpers/rollout-scenario.js';

const ModelRolloutBody = RolloutBody.extend({
  kind: z.literal('model'),
  from_model: z.string(),
  to_model: z.string(),
});

/** The same plan as a provider rollout's, with models as the arms. */
function modelRolloutBody(stages: { weight: number; minDurationSeconds: number }[]) {
  const { baseline: _baseline, canary: _canary, model: _model, ...rest } = rolloutBody(stages);
  return { ...rest, fromModel: 'sim-image', toModel: 'sim-image-2' };
}

/** A simulator that answers at once in gateway time, serving one model. */
const simulator = (id: string, model: string) => ({
  id,
  type: 'simulator',
  latencyMs: { p50: 0, p95: 0 },
  models: [model],
  costPerImage: 0.002,
});

describe('model rollouts', { timeout: 90_000 }, () => {
  let scenario: RolloutScenario;
  let test: TestGateway;
  let rollouts: RolloutHarness;
  let clock: TestClock;
  beforeAll(async () => {
    // The new model on another provider: its price is the one the cost guardrail watches.
    scenario = await startRolloutScenario({
      providers: [simulator('fal', 'sim-image'), simulator('runware', 'sim-image-2')],
    });
    ({ test, rollouts, clock } = scenario);
  });
  afterAll(async () => {
    await scenario?.close();
  });
  const step: RolloutScenario['step'] = (...args) => scenario.step(...args);
  const stepUntil: RolloutScenario['stepUntil'] = (...args) => scenario.stepUntil(...args);
  const generate = async (user: string) =>
    JobBody.parse(
      (
        await postJson(
          `${test.url}/v1/generations?wait=10`,
          { model: 'sim-image', prompt: 'which model?', user, width: 64, height: 64 },
          admin,
        )
      ).body,
    );

  it('should move the requests for one model to another stage by stage, and complete when healthy', async () => {
    const started = await rollouts.start(
      modelRolloutBody([
        { weight: 0.1, minDurationSeconds: 2 },
        { weight: 0.5, minDurationSeconds: 2 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
    );
    expect(ModelRolloutBody.parse(await scenario.readRollout(started.id))).toMatchObject({
      kind: 'model',
      from_model: 'sim-image',
      to_model: 'sim-image-2',
      model: 'sim-image',
      weights: { 'sim-image': 0.9, 'sim-image-2': 0.1 },
    });
    const stageOne: TrafficResult[] = [];
    const promoted = await stepUntil(
      started.id,
      stageOne,
      (rollout) => rollout.stage.index === 1,
      4000,
      { count: 24, concurrency: 8 },
    );
    expect(promoted.weights).toEqual({ 'sim-image': 0.5, 'sim-image-2': 0.5 });
    // Clients asked for sim-image; about 10 % were served by sim-image-2 (runware serves only it).
    const share =
      stageOne.filter((result) => result.provider === 'runware').length / stageOne.length;
    expect(Math.abs(share - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / stageOne.length));
    expect(stageOne.filter((result) => result.status !== 'succeeded')).toEqual([]);
    clock.advance(intervalMs);
    const results: TrafficResult[] = [];
    const done = await stepUntil(
      started.id,
      results,
      (rollout) => rollout.status !== 'active',
      5000,
      { count: 24, concurrency: 8 },
    );
    expect(done.status, done.reason ?? '').toBe('completed');
    expect([...done.decisions].reverse().map((decision) => decision.decision)).toEqual([
      'started',
      'promoted',
      'promoted',
      'completed',
    ]);
    expect(done.weights).toEqual({ 'sim-image': 0, 'sim-image-2': 1 });
    expect(results.filter((result) => result.status !== 'succeeded')).toEqual([]);
    // From now on every request for sim-image is served by sim-image-2, and says so.
    const after = await generate('after-completion');
    expect(after).toMatchObject({ model: 'sim-image-2', provider: 'runware' });
    expect(after.request.requested_model).toBe('sim-image');
    const routing = await getJson(`${test.url}/admin/routing`, admin);
    expect(routing.body).toMatchObject({
      model_redirects: { 'sim-image': { to: 'sim-image-2', weight: 1 } },
    });
  });

  it('should roll back a new model that costs more per output, and own its redirect meanwhile', async () => {
    // The previous rollout left sim-image redirected at 100 %; clearing the row undoes it.
    const cleared = await deleteJson(
      `${test.url}/admin/routing/overrides/GEN_MODEL_REDIRECT:sim-image`,
      admin,
    );
    expect(cleared.status).toBe(200);
    expect(await generate('after-clear')).toMatchObject({ model: 'sim-image', provider: 'fal' });
    // The previous test's samples age out of every window.
    clock.advance((windowSeconds + 1.5) * 1000);
    const started = await rollouts.start(
      modelRolloutBody([
        { weight: 0.5, minDurationSeconds: 600 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
    );
    // The rollout owns the split of both models: another rollout touching them is refused, and
    // so is a hand edit of the redirect.
    const overlapping = await postJson(
      `${test.url}/admin/rollouts`,
      { baseline: 'fal', canary: 'runware', reason: 'all models' },
      admin,
    );
    expect(overlapping.status).toBe(409);
    expect(ErrorBody.parse(overlapping.body).error.code).toBe('rollout_in_progress');
    const edit = await deleteJson(
      `${test.url}/admin/routing/overrides/GEN_MODEL_REDIRECT:sim-image`,
      admin,
    );
    expect(edit.status).toBe(409);
    expect(ErrorBody.parse(edit.body).error.code).toBe('rollout_owns_split');
    // A request the new model cannot serve now (its only provider is off) keeps the old one.
    const redirected = Array.from({ length: 40 }, (_, index) => `capability-${index}`)
      .filter(
        (user) =>
          rendezvousScore(user, 'sim-image-2', 0.5) < rendezvousScore(user, 'sim-image', 0.5),
      )
      .slice(0, 3);
    expect(redirected).toHaveLength(3);
    expect(await generate(redirected[0]!)).toMatchObject({ model: 'sim-image-2' });
    expect((await postJson(`${test.url}/admin/providers/runware/disable`, {}, admin)).status).toBe(
      200,
    );
    for (const user of redirected.slice(1))
      expect(await generate(user)).toMatchObject({
        model: 'sim-image',
        provider: 'fal',
        status: 'succeeded',
      });
    expect((await postJson(`${test.url}/admin/providers/runware/enable`, {}, admin)).status).toBe(
      200,
    );
    // One window of healthy traffic at 50 %, then the new model's price goes up 1.5×.
    const results: TrafficResult[] = [];
    for (let elapsed = 0; elapsed < windowSeconds * 1000; elapsed += intervalMs) {
      clock.advance(intervalMs);
      expect(await step(started.id, results)).toMatchObject({
        status: 'active',
        stage: { index: 0 },
      });
    }
    clock.advance(intervalMs);
    await patchProvider(test.url, 'runware', { costPerImage: 0.003 });
    const done = await stepUntil(
      started.id,
      results,
      (rollout) => rollout.status !== 'active',
      (windowSeconds + intervalSeconds + 1) * 1000,
    );
    expect(done.status).toBe('rolled_back');
    expect(done.reason).toContain('cost_per_output');
    expect(done.weights).toEqual({ 'sim-image': 1, 'sim-image-2': 0 });
    expect(results.filter((result) => result.status !== 'succeeded')).toEqual([]);
    // The redirect is gone: the users the rollout had moved are back on sim-image.
    const back = await generate(redirected[0]!);
    expect(back).toMatchObject({ model: 'sim-image', provider: 'fal' });
    expect(back.request.requested_model).toBeUndefined();
    const routing = await getJson(`${test.url}/admin/routing`, admin);
    expect(routing.body).toMatchObject({ model_redirects: {} });
  });

  it('should size, start and show a model rollout from the CLI', async () => {
    const model = ['rollout', 'start', '--from-model', 'sim-image', '--to-model', 'sim-image-2'];
    const planned = z
      .looseObject({
        object: z.literal('rollout_dry_run'),
        plan: z.looseObject({ kind: z.string() }),
        traffic: z.looseObject({ requestsPerSecond: z.number() }),
      })
      .parse(JSON.parse(await runCli(test.url, ['--json', ...model, '--dry-run'], adminKey)));
    expect(planned.plan.kind).toBe('model');
    // The previous tests' requests for sim-image are the traffic the stages are sized on.
    expect(planned.traffic.requestsPerSecond).toBeGreaterThan(0);
    const started = ModelRolloutBody.parse(
      JSON.parse(
        await runCli(
          test.url,
          ['--json', ...model, '--stages', '20%:1h,100%', '--reason', 'cli'],
          adminKey,
        ),
      ),
    );
    expect(started).toMatchObject({
      status: 'active',
      from_model: 'sim-image',
      to_model: 'sim-image-2',
      weights: { 'sim-image': 0.8, 'sim-image-2': 0.2 },
    });
    const status = await runCli(test.url, ['rollout', 'status', started.id], adminKey);
    expect(status).toContain('sim-image → sim-image-2 (sim-image)');
    expect(status).toContain('stage 1/2 at 20%');
    expect(await runCli(test.url, ['rollout', 'rollback', started.id], adminKey)).toContain(
      'rolled_back',
    );
  });
});
