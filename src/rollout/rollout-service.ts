import { createId } from '../core/create-id.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.js';
import type { ControlPlane } from '../routing/control-plane/control-plane.js';
import type { ChangeAuthor } from '../routing/control-plane/control-plane-store.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { RolloutDefaults, StartRollout } from '../core/rollout-plan.js';
import { resolvePlan } from './resolve-plan.js';
import type { RolloutStore, Rollout, RolloutStatus } from './rollout-store.js';

export interface RolloutServiceOptions {
  store: RolloutStore;
  controlPlane: ControlPlane;
  instances: ProviderInstances;
  alerts: AlertSink;
  logger: Logger;
  defaults: RolloutDefaults;
}

const live: readonly RolloutStatus[] = ['active', 'paused'];

/**
 * Rollout lifecycle: start, stage changes, completion and rollback. Traffic moves only through
 * the control plane (weights in `feature_flags`), so every instance obeys a stage change within
 * a second and every move is in the audit log, attributed to `rollout:<id>`.
 */
export class RolloutService {
  constructor(private readonly options: RolloutServiceOptions) {}

  get store(): RolloutStore {
    return this.options.store;
  }

  async start(request: StartRollout, author: ChangeAuthor): Promise<Rollout> {
    const { instances, controlPlane, store } = this.options;
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
    const existing = await store.liveInScope(request.model ?? null);
    if (existing) {
      throw new ConflictError(
        'rollout_in_progress',
        `Rollout ${existing.id} is already ${existing.status} for ${request.model ? `model '${request.model}'` : 'all models'}.`,
        { rollout_id: existing.id },
      );
    }
    const plan = resolvePlan(request, this.options.defaults);
    const id = createId('rollout');
    const scope = { model: request.model };
    const before = request.model
      ? controlPlane.settingsFor(request.model)
      : controlPlane.settings();
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
    const weights = this.weightsFor(request.baseline, request.canary, plan.stages[0]!.weight);
    await controlPlane.setWeights(weights, scope, actor);
    await store.addDecision({
      rolloutId: id,
      decision: 'started',
      stage: 0,
      weights,
      details: { plan, previous: { strategy: before.strategy, weights: before.weights } },
      actor: author.actor,
    });
    this.options.logger.info(
      {
        rolloutId: id,
        baseline: request.baseline,
        canary: request.canary,
        model: request.model,
        weights,
      },
      'rollout started',
    );
    return this.require(id);
  }

  async require(id: string): Promise<Rollout> {
    const rollout = await this.options.store.get(id);
    if (!rollout) throw new NotFoundError('rollout', id);
    return rollout;
  }

  /** Moves to the next stage (or completes after the last). */
  async promote(
    rollout: Rollout,
    actor: string,
    details: Record<string, unknown> = {},
  ): Promise<Rollout> {
    const next = rollout.currentStage + 1;
    if (next >= rollout.plan.stages.length) return this.complete(rollout, actor, details);
    const changed = await this.options.store.transition(rollout.id, live, {
      currentStage: next,
      stageStarted: true,
      state: { ...rollout.state, breachStreaks: {} },
    });
    if (!changed) throw this.notLive(rollout);
    const weights = this.weightsFor(
      rollout.baseline,
      rollout.canary,
      rollout.plan.stages[next]!.weight,
    );
    await this.options.controlPlane.setWeights(
      weights,
      { model: rollout.model ?? undefined },
      { actor: `rollout:${rollout.id}`, reason: `promoted to stage ${next + 1} by ${actor}` },
    );
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: 'promoted',
      stage: next,
      weights,
      details,
      actor,
    });
    this.options.logger.info({ rolloutId: rollout.id, stage: next, weights }, 'rollout promoted');
    return this.require(rollout.id);
  }

  /** All traffic on the canary, which becomes the primary provider. */
  async complete(
    rollout: Rollout,
    actor: string,
    details: Record<string, unknown> = {},
  ): Promise<Rollout> {
    const changed = await this.options.store.transition(rollout.id, live, {
      status: 'completed',
      finished: true,
      reason: `completed: ${rollout.canary} serves all traffic`,
    });
    if (!changed) throw this.notLive(rollout);
    const { controlPlane } = this.options;
    const author = { actor: `rollout:${rollout.id}`, reason: `rollout completed (${actor})` };
    const weights = { [rollout.baseline]: 0, [rollout.canary]: 1 };
    await controlPlane.setWeights(weights, { model: rollout.model ?? undefined }, author);
    if (rollout.model) {
      const chain = controlPlane.settingsFor(rollout.model).chain;
      await controlPlane.setChain(
        [rollout.canary, ...chain.filter((id) => id !== rollout.canary)],
        { model: rollout.model },
        author,
      );
    } else {
      await controlPlane.setPrimary(rollout.canary, author);
    }
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: 'completed',
      stage: rollout.currentStage,
      weights,
      details,
      actor,
    });
    await this.options.alerts.raise({
      type: 'rollout_completed',
      severity: 'info',
      message: `Rollout ${rollout.id} completed: ${rollout.canary} now serves all traffic${rollout.model ? ` for ${rollout.model}` : ''} and is primary.`,
      details: { rollout_id: rollout.id },
    });
    return this.require(rollout.id);
  }

  /** Everything back to the baseline; `reason` names the guardrail and values when automatic. */
  async rollback(
    rollout: Rollout,
    actor: string,
    reason: string,
    details: Record<string, unknown> = {},
  ): Promise<Rollout> {
    const changed = await this.options.store.transition(rollout.id, live, {
      status: 'rolled_back',
      finished: true,
      reason,
    });
    if (!changed) throw this.notLive(rollout);
    const weights = { [rollout.baseline]: 1, [rollout.canary]: 0 };
    await this.options.controlPlane.setWeights(
      weights,
      { model: rollout.model ?? undefined },
      { actor: `rollout:${rollout.id}`, reason: `rolled back: ${reason}` },
    );
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: 'rolled_back',
      stage: rollout.currentStage,
      weights,
      details: { reason, ...details },
      actor,
    });
    await this.options.alerts.raise({
      type: 'rollout_rolled_back',
      severity: 'critical',
      message: `Rollout ${rollout.id} (${rollout.baseline} → ${rollout.canary}${rollout.model ? `, ${rollout.model}` : ''}) rolled back: ${reason}`,
      details: {
        rollout_id: rollout.id,
        baseline: rollout.baseline,
        canary: rollout.canary,
        stage: rollout.currentStage,
        reason,
        ...details,
      },
    });
    return this.require(rollout.id);
  }

  async pause(rollout: Rollout, actor: string, reason?: string): Promise<Rollout> {
    if (!(await this.options.store.transition(rollout.id, ['active'], { status: 'paused' })))
      throw this.notLive(rollout, 'active');
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: 'paused',
      stage: rollout.currentStage,
      details: reason ? { reason } : {},
      actor,
    });
    return this.require(rollout.id);
  }

  async resume(rollout: Rollout, actor: string, reason?: string): Promise<Rollout> {
    if (!(await this.options.store.transition(rollout.id, ['paused'], { status: 'active' })))
      throw this.notLive(rollout, 'paused');
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: 'resumed',
      stage: rollout.currentStage,
      details: reason ? { reason } : {},
      actor,
    });
    return this.require(rollout.id);
  }

  /** Canary weight as a `{baseline, canary}` pair. */
  weightsFor(baseline: string, canary: string, weight: number): Record<string, number> {
    return { [baseline]: Math.round((1 - weight) * 1e6) / 1e6, [canary]: weight };
  }

  private notLive(rollout: Rollout, expected?: RolloutStatus): ConflictError {
    return new ConflictError(
      'rollout_not_live',
      `Rollout ${rollout.id} is not ${expected ?? 'active or paused'} any more.`,
      { status: rollout.status },
    );
  }
}
