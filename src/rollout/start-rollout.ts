import { createId } from '../core/create-id.js';
import { ConflictError, ValidationError } from '../core/errors/index.js';
import type { RolloutDefaults, StartRollout } from '../core/rollout-plan.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { ControlPlane } from '../routing/control-plane/control-plane.js';
import type { ChangeAuthor } from '../routing/control-plane/control-plane-store.js';
import { resolvePlan } from './resolve-plan.js';
import type { RolloutSplit } from './rollout-split.js';
import { RolloutStateSchema, type RolloutStore } from './rollout-store.js';

/**
 * Starts a rollout and returns its id: checks it can start, settles what it supersedes, stores
 * it, and writes the first stage's weights through the control plane (actor `rollout:<id>`).
 */
export async function startRollout(
  dependencies: {
    store: RolloutStore;
    controlPlane: ControlPlane;
    instances: ProviderInstances;
    split: RolloutSplit;
    defaults: RolloutDefaults;
    logger: Logger;
    weightsFor: (baseline: string, canary: string, weight: number) => Record<string, number>;
  },
  request: StartRollout,
  author: ChangeAuthor,
): Promise<string> {
  const { store, controlPlane, instances, split, defaults, logger, weightsFor } = dependencies;
  await checkRolloutStart(request, instances, store);
  const superseded = await split.prepare(request.model ?? null, request.overrides ?? 'refuse');
  const plan = resolvePlan(request, defaults);
  const id = createId('rollout');
  const state = RolloutStateSchema.parse({ superseded });
  const scope = { model: request.model };
  const before = request.model ? controlPlane.settingsFor(request.model) : controlPlane.settings();
  try {
    await store.insert({
      id,
      baseline: request.baseline,
      canary: request.canary,
      model: request.model ?? null,
      plan,
      previousRouting: {
        strategy: before.strategy,
        weights: before.weights,
        chain: before.chain,
      },
      createdBy: author.actor,
      state,
    });
  } catch (error) {
    // The unique index caught a concurrent start for the same scope.
    if ((error as { code?: string }).code === '23505')
      throw new ConflictError(
        'rollout_in_progress',
        'Another rollout for this scope started at the same moment.',
      );
    throw error;
  }
  const actor = {
    actor: `rollout:${id}`,
    reason: request.reason ?? `rollout started by ${author.actor}`,
  };
  if (before.strategy !== 'weighted') await controlPlane.setStrategy('weighted', scope, actor);
  const weights = weightsFor(request.baseline, request.canary, plan.stages[0]!.weight);
  await split.apply({ ...request, id, model: request.model ?? null, state }, weights, actor);
  await store.addDecision({
    rolloutId: id,
    decision: 'started',
    stage: 0,
    weights,
    details: {
      plan,
      previous: { strategy: before.strategy, weights: before.weights },
      ...(superseded.length ? { superseded } : {}),
    },
    actor: author.actor,
  });
  logger.info(
    {
      rolloutId: id,
      baseline: request.baseline,
      canary: request.canary,
      model: request.model,
      weights,
    },
    'rollout started',
  );
  return id;
}

/**
 * Refuses a rollout that cannot start: an unknown provider, one that does not serve the model,
 * or a scope that already has a live rollout.
 */
async function checkRolloutStart(
  request: StartRollout,
  instances: ProviderInstances,
  store: RolloutStore,
): Promise<void> {
  for (const [field, id] of [
    ['baseline', request.baseline],
    ['canary', request.canary],
  ] as const) {
    if (!instances.get(id))
      throw new ValidationError(
        `Unknown provider '${id}'.`,
        { parameter: field },
        'unknown_provider',
      );
  }
  if (request.model) {
    const serving = new Set(
      instances.offeringsFor(request.model).map(({ instance }) => instance.adapter.id),
    );
    for (const [field, id] of [
      ['baseline', request.baseline],
      ['canary', request.canary],
    ] as const) {
      if (!serving.has(id))
        throw new ValidationError(
          `Provider '${id}' does not serve model '${request.model}'.`,
          { parameter: field },
          'model_not_served',
        );
    }
  }
  const model = request.model ?? null;
  const existing = await store.liveOverlapping(model);
  if (existing) {
    const scope = (key: string | null) => (key ? `model '${key}'` : 'all models');
    throw new ConflictError(
      'rollout_in_progress',
      existing.model === model
        ? `Rollout ${existing.id} is already ${existing.status} for ${scope(model)}.`
        : `Rollout ${existing.id} is ${existing.status} for ${scope(existing.model)}, which overlaps ${scope(model)}: rollouts run at once only on separate models. Finish or roll it back first.`,
      { rollout_id: existing.id, scope: existing.model ?? '*' },
    );
  }
}
