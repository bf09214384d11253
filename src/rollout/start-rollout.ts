import { createId } from '../core/create-id.js';
import { ConflictError, ValidationError } from '../core/errors/index.js';
import {
  RolloutKind,
  rolloutArms,
  type RolloutArms,
  type RolloutDefaults,
  type StartRollout,
} from '../core/rollout-plan.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { ControlPlane } from '../routing/control-plane/control-plane.js';
import type { ChangeAuthor } from '../routing/control-plane/control-plane-store.js';
import { resolvePlan } from './resolve-plan.js';
import type { RolloutSplit } from './rollout-split.js';
import { RolloutStateSchema, type Rollout, type RolloutStore } from './rollout-store.js';

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
    now: () => number;
  },
  request: StartRollout,
  author: ChangeAuthor,
): Promise<string> {
  const { store, controlPlane, instances, split, defaults, logger, weightsFor, now } = dependencies;
  const arms = rolloutArms(request);
  await checkRolloutStart(arms, instances, store);
  const superseded = await split.prepare(arms.model, request.overrides ?? 'refuse');
  const plan = resolvePlan(request, defaults);
  const id = createId('rollout');
  // A shadow stage comes first: all live traffic stays on the baseline, the canary gets copies.
  const shadow = plan.shadow
    ? { startedAt: new Date(now()).toISOString(), endedAt: null, outcome: null }
    : null;
  const state = RolloutStateSchema.parse({ superseded, shadow });
  const scope = { model: arms.model ?? undefined };
  const before = arms.model ? controlPlane.settingsFor(arms.model) : controlPlane.settings();
  const isModelRollout = arms.kind === RolloutKind.model;
  // What a model rollout's rollback puts back (usually nothing), read before it writes its own.
  const previous = isModelRollout
    ? { redirect: controlPlane.settings().redirects[arms.baseline] ?? null }
    : { strategy: before.strategy, weights: before.weights };
  try {
    await store.insert({
      id,
      baseline: arms.baseline,
      canary: arms.canary,
      model: arms.model,
      plan,
      previousRouting: isModelRollout ? previous : { ...previous, chain: before.chain },
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
  // A model rollout's split is a redirect: the providers of each model keep their own routing.
  if (!isModelRollout && before.strategy !== 'weighted')
    await controlPlane.setStrategy('weighted', scope, actor);
  const weights = weightsFor(arms.baseline, arms.canary, shadow ? 0 : plan.stages[0]!.weight);
  await split.apply({ ...arms, id, state }, weights, actor);
  await store.addDecision({
    rolloutId: id,
    decision: 'started',
    stage: 0,
    weights,
    details: {
      plan,
      previous,
      ...(superseded.length ? { superseded } : {}),
    },
    actor: author.actor,
  });
  logger.info(
    {
      rolloutId: id,
      kind: arms.kind,
      baseline: arms.baseline,
      canary: arms.canary,
      model: arms.model,
      weights,
    },
    'rollout started',
  );
  return id;
}

/**
 * Refuses a rollout that cannot start: an unknown provider, one that does not serve the model,
 * a model no provider serves or of another kind, or a scope that overlaps a live rollout's.
 */
async function checkRolloutStart(
  arms: RolloutArms,
  instances: ProviderInstances,
  store: RolloutStore,
): Promise<void> {
  if (arms.kind === RolloutKind.model) checkModels(arms, instances);
  else checkProviders(arms, instances);
  const existing = (await store.live()).find((live) => overlaps(scopesOf(live), scopesOf(arms)));
  if (existing) {
    const scope = (key: string | null) => (key ? `model '${key}'` : 'all models');
    const describe = (rollout: Pick<Rollout, 'kind' | 'baseline' | 'canary' | 'model'>) =>
      rollout.kind === RolloutKind.model
        ? `models '${rollout.baseline}' → '${rollout.canary}'`
        : scope(rollout.model);
    throw new ConflictError(
      'rollout_in_progress',
      existing.model === arms.model && existing.kind === arms.kind
        ? `Rollout ${existing.id} is already ${existing.status} for ${describe(arms)}.`
        : `Rollout ${existing.id} is ${existing.status} for ${describe(existing)}, which overlaps ${describe(arms)}: rollouts run at once only on separate models. Finish or roll it back first.`,
      { rollout_id: existing.id, scope: existing.model ?? '*' },
    );
  }
}

/** The models whose traffic a rollout moves or judges (null: every model). */
function scopesOf(rollout: Pick<Rollout, 'kind' | 'canary' | 'model'>): (string | null)[] {
  // A model rollout reads the new model's rollups too: another rollout there would blur them.
  return rollout.kind === RolloutKind.model ? [rollout.model, rollout.canary] : [rollout.model];
}

function overlaps(left: (string | null)[], right: (string | null)[]): boolean {
  return left.some((a) => right.some((b) => a === null || b === null || a === b));
}

function checkProviders(arms: RolloutArms, instances: ProviderInstances): void {
  for (const [field, id] of [
    ['baseline', arms.baseline],
    ['canary', arms.canary],
  ] as const) {
    if (!instances.get(id))
      throw new ValidationError(
        `Unknown provider '${id}'.`,
        { parameter: field },
        'unknown_provider',
      );
  }
  if (arms.model) {
    const serving = new Set(
      instances.offeringsFor(arms.model).map(({ instance }) => instance.adapter.id),
    );
    for (const [field, id] of [
      ['baseline', arms.baseline],
      ['canary', arms.canary],
    ] as const) {
      if (!serving.has(id))
        throw new ValidationError(
          `Provider '${id}' does not serve model '${arms.model}'.`,
          { parameter: field },
          'model_not_served',
        );
    }
  }
}

/** Both models must be served, and of the same kind: a redirect cannot turn an image into a video. */
function checkModels(arms: RolloutArms, instances: ProviderInstances): void {
  const kinds = (
    [
      ['fromModel', arms.baseline],
      ['toModel', arms.canary],
    ] as const
  ).map(([field, model]) => {
    const offering = instances.offeringsFor(model)[0]?.offering;
    if (!offering)
      throw new ValidationError(
        `No provider serves model '${model}'.`,
        { parameter: field },
        'unknown_model',
      );
    return offering.kind;
  });
  if (kinds[0] !== kinds[1])
    throw new ValidationError(
      `Model '${arms.canary}' generates ${kinds[1]}, model '${arms.baseline}' ${kinds[0]}: a model rollout moves requests between models of the same kind.`,
      { parameter: 'toModel' },
    );
}
