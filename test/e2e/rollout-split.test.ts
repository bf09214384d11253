import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, RolloutBody, RoutingBody } from '../helpers/api-schemas.js';
import { sendBatch, type TrafficResult } from '../helpers/traffic.js';
import { resolvePlan } from '../../src/rollout/resolve-plan.js';
import type { TestClock } from '../helpers/test-clock.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import {
  admin,
  intervalMs,
  rolloutBody,
  startRolloutScenario,
  type RolloutScenario,
} from '../helpers/rollout-scenario.js';

async function send(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('a rollout owns its split', { timeout: 120_000 }, () => {
  let scenario: RolloutScenario;
  let test: TestGateway;
  let clock: TestClock;
  beforeAll(async () => {
    scenario = await startRolloutScenario();
    ({ test, clock } = scenario);
  });
  afterAll(async () => {
    await scenario?.close();
  });
  afterEach(async () => {
    // Each test leaves no live rollout and no per-model override behind.
    const list = (await getJson(`${test.url}/admin/rollouts?limit=50`, admin)).body as {
      data: { id: string; status: string }[];
    };
    for (const rollout of list.data.filter((entry) => ['active', 'paused'].includes(entry.status)))
      await send(test.url, 'POST', `/admin/rollouts/${rollout.id}/rollback`, { reason: 'cleanup' });
    for (const key of [
      'GEN_PROVIDER_WEIGHTS:sim-image',
      'GEN_PROVIDER_WEIGHTS',
      'GEN_ROUTING_STRATEGY:sim-image',
    ])
      await send(test.url, 'DELETE', `/admin/routing/overrides/${encodeURIComponent(key)}`);
  });
  const routing = async () =>
    RoutingBody.parse((await getJson(`${test.url}/admin/routing`, admin)).body);
  /** Moves the clock to the start of a rollup bucket (1 s), so windows begin where a test says. */
  const alignToBucket = () => clock.advance(1000 - (clock.now() % 1000));
  /** A sim-image rollout at 10 % for ten minutes, guardrails off: only the split decides. */
  const startTenPercent = async () =>
    RolloutBody.parse(
      (
        await postJson(
          `${test.url}/admin/rollouts`,
          rolloutBody(
            [
              { weight: 0.1, minDurationSeconds: 600 },
              { weight: 1, minDurationSeconds: 0 },
            ],
            { guardrailsEnabled: false },
          ),
          admin,
        )
      ).body,
    );
  const allModels = (stages: { weight: number; minDurationSeconds: number }[]) => ({
    ...rolloutBody(stages, { guardrailsEnabled: false }),
    model: undefined,
  });

  it('refuses an all-models rollout that a per-model weight would escape, naming it in percentages', async () => {
    const set = await send(test.url, 'PUT', '/admin/routing/weights', {
      weights: { fal: 0.2, runware: 0.8 },
      model: 'sim-image',
      reason: 'an earlier weights set --model',
    });
    expect(set.status).toBe(200);
    const refused = await send(
      test.url,
      'POST',
      '/admin/rollouts',
      allModels([
        { weight: 0.1, minDurationSeconds: 60 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
    );
    expect(refused.status).toBe(409);
    const error = ErrorBody.parse(refused.body).error;
    expect(error.code).toBe('routing_override');
    expect(error.message).toContain('GEN_PROVIDER_WEIGHTS:sim-image (fal 20%, runware 80%)');
    expect(error.message).toContain('"overrides": "supersede"');
    // Nothing started, nothing changed.
    expect((await routing()).models['sim-image']?.weights).toEqual({ fal: 0.2, runware: 0.8 });
  });

  it('supersedes the override for the rollout, refuses changes to its split, and restores it exactly', async () => {
    await send(test.url, 'PUT', '/admin/routing/weights', {
      weights: { fal: 0.2, runware: 0.8 },
      model: 'sim-image',
    });
    // Traffic before the rollout, all on the old 20/80 split: it must not count as the stage's.
    alignToBucket();
    await sendBatch(test.url, { count: 20, concurrency: 5, model: 'sim-image', headers: admin });
    clock.advance(1000);
    const started = await send(test.url, 'POST', '/admin/rollouts', {
      ...allModels([
        { weight: 0.1, minDurationSeconds: 600 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
      overrides: 'supersede',
    });
    expect(started.status).toBe(201);
    const rollout = RolloutBody.parse(started.body);
    expect(rollout.superseded).toMatchObject([
      { key: 'GEN_PROVIDER_WEIGHTS:sim-image', value: 'fal 20%, runware 80%' },
    ]);
    expect((await routing()).models['sim-image']?.weights).toEqual({ fal: 0.9, runware: 0.1 });

    const results: TrafficResult[] = [];
    const view = await scenario.step(rollout.id, results, { count: 60, concurrency: 6 });
    expect(view.status).toBe('active');
    // The split counts only the 60 requests since the stage began, and they follow 90/10.
    expect(view.observed_split.requests).toBe(60);
    const canaryShare = results.filter((result) => result.provider === 'runware').length / 60;
    expect(Math.abs(canaryShare - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / 60));

    // The rollout owns the split: a per-model or global weight change is refused while it lives.
    for (const body of [
      { weights: { fal: 0.5, runware: 0.5 }, model: 'sim-image' },
      { weights: { fal: 0.5, runware: 0.5 } },
    ]) {
      const refused = await send(test.url, 'PUT', '/admin/routing/weights', body);
      expect(refused.status).toBe(409);
      expect(ErrorBody.parse(refused.body).error.code).toBe('rollout_owns_split');
    }

    const rolledBack = await send(test.url, 'POST', `/admin/rollouts/${rollout.id}/rollback`, {
      reason: 'done testing',
    });
    expect(rolledBack.status).toBe(200);
    // The override is back exactly as it was, and changes are free again.
    expect((await routing()).models['sim-image']?.weights).toEqual({ fal: 0.2, runware: 0.8 });
    const { rows } = await test.gateway.database.query<{ flag_value_text: string }>(
      `SELECT flag_value_text FROM feature_flags WHERE flag_key = 'GEN_PROVIDER_WEIGHTS:sim-image'`,
    );
    expect(JSON.parse(rows[0]!.flag_value_text)).toEqual({ fal: 0.2, runware: 0.8 });
  });

  it('pauses with routing_changed when the split is edited by plain SQL, and resume puts it right', async () => {
    alignToBucket();
    const started = await startTenPercent();
    await test.gateway.database.query(
      `UPDATE feature_flags SET flag_value_text = '{"fal":0.5,"runware":0.5}', updated_at = now() WHERE flag_key = 'GEN_PROVIDER_WEIGHTS:sim-image'`,
    );
    await test.gateway.controlPlane.reload();
    const first = await scenario.step(started.id, []);
    // One evaluation could be a notification still on its way: the second one decides.
    expect(first.status).toBe('active');
    clock.advance(intervalMs);
    const paused = await scenario.step(started.id, []);
    expect(paused.status).toBe('paused');
    expect(paused.reason).toContain(
      'routing_changed: the weights for model sim-image are fal 50%, runware 50%, not fal 90%, runware 10%',
    );
    const resumed = RolloutBody.parse(
      (
        await postJson(
          `${test.url}/admin/rollouts/${started.id}/resume`,
          { reason: 'fixed' },
          admin,
        )
      ).body,
    );
    expect(resumed.status).toBe('active');
    expect(resumed.reason).toBeNull();
    expect((await routing()).models['sim-image']?.weights).toEqual({ fal: 0.9, runware: 0.1 });
  });

  it('pauses with split_mismatch when requests do not follow the stage weights', async () => {
    alignToBucket();
    const started = await startTenPercent();
    // Clients pinning the canary: 40 requests, all on runware, at a 10 % stage.
    const paused = await scenario.step(started.id, [], {
      count: 40,
      concurrency: 5,
      body: { provider: 'runware' },
    });
    expect(paused.status).toBe('paused');
    expect(paused.reason).toBe(
      'split_mismatch: the canary received 100% of 40 requests since the stage started, the stage says 10%',
    );
    const again = await send(test.url, 'POST', `/admin/rollouts/${started.id}/pause`, {});
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(again.body).error.message).toBe(
      `Rollout ${started.id} is already paused.`,
    );
  });

  it('does not count paused time toward a stage', async () => {
    alignToBucket();
    const startedAt = clock.now();
    const started = RolloutBody.parse(
      (
        await postJson(
          `${test.url}/admin/rollouts`,
          rolloutBody(
            [
              { weight: 0.5, minDurationSeconds: 3 },
              { weight: 1, minDurationSeconds: 0 },
            ],
            { guardrailsEnabled: false },
          ),
          admin,
        )
      ).body,
    );
    const results: TrafficResult[] = [];
    await scenario.step(started.id, results);
    clock.advance(1000);
    await postJson(`${test.url}/admin/rollouts/${started.id}/pause`, { reason: 'lunch' }, admin);
    // Ten seconds paused: the stage's 3 s are long past on the wall clock, not in active time.
    clock.advance(10_000);
    expect((await scenario.step(started.id, results)).stage.index).toBe(0);
    await postJson(`${test.url}/admin/rollouts/${started.id}/resume`, {}, admin);
    expect((await scenario.step(started.id, results)).stage.index).toBe(0);
    const promoted = await scenario.stepUntil(
      started.id,
      results,
      (rollout) => rollout.stage.index === 1,
      5000,
    );
    const decision = promoted.decisions.find((entry) => entry.decision === 'promoted')!;
    // 3 s of active time: 1 s before the pause and 2 s after it.
    expect(Date.parse(decision.at) - startedAt).toBe(13_000);
  });

  it('refuses overlapping scopes in either direction and lets separate models run at once', async () => {
    const stages = [
      { weight: 0.1, minDurationSeconds: 600 },
      { weight: 1, minDurationSeconds: 0 },
    ];
    const model = await send(test.url, 'POST', '/admin/rollouts', rolloutBody(stages));
    expect(model.status, JSON.stringify(model.body)).toBe(201);
    const modelId = RolloutBody.parse(model.body).id;
    const all = await send(test.url, 'POST', '/admin/rollouts', allModels(stages));
    expect(all.status).toBe(409);
    expect(ErrorBody.parse(all.body).error.message).toBe(
      `Rollout ${modelId} is active for model 'sim-image', which overlaps all models: rollouts run at once only on separate models. Finish or roll it back first.`,
    );
    await send(test.url, 'POST', `/admin/rollouts/${modelId}/rollback`, { reason: 'next' });
    // The rolled-back model keeps its own weights (all on the baseline): a real override that an
    // all-models rollout must not silently escape, so it goes first.
    const leftover = await send(test.url, 'POST', '/admin/rollouts', allModels(stages));
    expect(ErrorBody.parse(leftover.body).error.code).toBe('routing_override');
    await send(
      test.url,
      'DELETE',
      `/admin/routing/overrides/${encodeURIComponent('GEN_PROVIDER_WEIGHTS:sim-image')}`,
    );
    await send(
      test.url,
      'DELETE',
      `/admin/routing/overrides/${encodeURIComponent('GEN_ROUTING_STRATEGY:sim-image')}`,
    );
    const allStarted = await send(test.url, 'POST', '/admin/rollouts', allModels(stages));
    expect(allStarted.status).toBe(201);
    const allId = RolloutBody.parse(allStarted.body).id;
    const under = await send(test.url, 'POST', '/admin/rollouts', rolloutBody(stages));
    expect(under.status).toBe(409);
    expect(ErrorBody.parse(under.body).error.message).toContain(
      `Rollout ${allId} is active for all models, which overlaps model 'sim-image'`,
    );
    await send(test.url, 'POST', `/admin/rollouts/${allId}/rollback`, { reason: 'next' });
    // Separate models do not overlap: a live rollout on another model leaves sim-image free.
    const { store } = test.gateway.rollouts;
    await store.insert({
      id: 'rollout_other_model',
      baseline: 'fal',
      canary: 'runware',
      model: 'another-model',
      plan: resolvePlan(
        { baseline: 'fal', canary: 'runware', stages },
        test.gateway.config.rollouts.defaults,
      ),
      previousRouting: null,
      createdBy: 'test',
    });
    expect(await store.liveOverlapping('sim-image')).toBeUndefined();
    expect((await store.liveOverlapping('another-model'))?.id).toBe('rollout_other_model');
    expect((await store.liveOverlapping(null))?.id).toBe('rollout_other_model');
    await store.transition('rollout_other_model', ['active'], {
      status: 'rolled_back',
      finished: true,
    });
  });
});
