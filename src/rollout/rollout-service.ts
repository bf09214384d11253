import { ConflictError, NotFoundError } from '../core/errors/index.js';
import type { ControlPlane } from '../routing/control-plane/control-plane.js';
import type { ChangeAuthor } from '../routing/control-plane/control-plane-store.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { RolloutKind, type RolloutDefaults, type StartRollout } from '../core/rollout-plan.js';
import { completeModelRollout, restoreModelRedirect } from './complete-model-rollout.js';
import { startRollout } from './start-rollout.js';
import { RolloutSplit } from './rollout-split.js';
import { formatPercent } from './split-overrides.js';
import {
  inShadowStage,
  type RolloutStore,
  type Rollout,
  type RolloutState,
  type RolloutStatus,
} from './rollout-store.js';

export interface RolloutServiceOptions {
  store: RolloutStore;
  controlPlane: ControlPlane;
  instances: ProviderInstances;
  alerts: AlertSink;
  logger: Logger;
  defaults: RolloutDefaults;
  /** The clock paused time is measured with (the controller's). */
  now: () => number;
  /** Told after every change of a rollout's status or stage (the shadow copier reads afresh). */
  changed?: () => void;
}

const live: readonly RolloutStatus[] = ['active', 'paused'];

/**
 * Rollout lifecycle: start, stage changes, completion and rollback. Traffic moves only through
 * the control plane (weights in `feature_flags`), so every instance obeys a stage change within
 * a second and every move is in the audit log, attributed to `rollout:<id>`.
 */
export class RolloutService {
  readonly split: RolloutSplit;

  constructor(private readonly options: RolloutServiceOptions) {
    this.split = new RolloutSplit(options.controlPlane);
    options.controlPlane.setWriteGuard(this.split.guard(() => options.store.live()));
  }

  get store(): RolloutStore {
    return this.options.store;
  }

  async start(request: StartRollout, author: ChangeAuthor): Promise<Rollout> {
    const id = await startRollout(
      { ...this.options, split: this.split, weightsFor: this.weightsFor },
      request,
      author,
    );
    return this.changedTo(id);
  }

  async require(id: string): Promise<Rollout> {
    const rollout = await this.options.store.get(id);
    if (!rollout) throw new NotFoundError('rollout', id);
    return rollout;
  }

  /** The canary's live share now: none in a shadow stage (it only gets copies), else the stage's. */
  liveWeight(rollout: Pick<Rollout, 'plan' | 'state' | 'currentStage'>): number {
    return inShadowStage(rollout) ? 0 : rollout.plan.stages[rollout.currentStage]!.weight;
  }

  /** Moves to the next stage (or completes after the last); out of a shadow stage, to the first. */
  async promote(
    rollout: Rollout,
    actor: string,
    details: Record<string, unknown> = {},
  ): Promise<Rollout> {
    if (inShadowStage(rollout)) return this.enterStage(rollout, 0, actor, 'promoted', details);
    const next = rollout.currentStage + 1;
    if (next >= rollout.plan.stages.length) return this.complete(rollout, actor, details);
    return this.enterStage(rollout, next, actor, 'promoted', details);
  }

  /**
   * Starts stage `index` afresh (its time and its comparisons count from now): promoted by the
   * controller or by hand, or — out of a shadow stage — resumed after the shadow budget ran out.
   */
  private async enterStage(
    rollout: Rollout,
    index: number,
    actor: string,
    outcome: 'promoted' | 'resumed',
    details: Record<string, unknown>,
  ): Promise<Rollout> {
    const at = this.isoNow();
    const fromShadow = inShadowStage(rollout);
    const state: RolloutState = {
      ...rollout.state,
      breachStreaks: {},
      driftStreak: 0,
      pausedMs: 0,
      splitSince: null,
      // A paused rollout promoted by hand stays paused, from now on.
      pausedAt: outcome === 'promoted' && rollout.state.pausedAt ? at : null,
      shadow:
        fromShadow && rollout.state.shadow
          ? { ...rollout.state.shadow, endedAt: rollout.state.shadow.endedAt ?? at, outcome }
          : rollout.state.shadow,
    };
    const changed = await this.options.store.transition(rollout.id, live, {
      ...(outcome === 'resumed' ? { status: 'active' as const, reason: null } : {}),
      currentStage: index,
      stageStarted: true,
      state,
    });
    if (!changed) throw this.notLive(rollout);
    const stage = rollout.plan.stages[index]!;
    const weights = this.weightsFor(rollout.baseline, rollout.canary, stage.weight);
    const described = `stage ${index + 1} (${formatPercent(stage.weight)})`;
    await this.split.apply({ ...rollout, state }, weights, {
      actor: `rollout:${rollout.id}`,
      reason: fromShadow
        ? `shadow stage ended; ${described} ${outcome} by ${actor}`
        : `${outcome} to ${described} by ${actor}`,
    });
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: outcome,
      stage: index,
      weights,
      details: fromShadow ? { from: 'shadow', ...details } : details,
      actor,
    });
    this.options.logger.info(
      { rolloutId: rollout.id, stage: index, weights },
      fromShadow ? 'shadow stage ended; first live stage' : 'rollout promoted',
    );
    return this.changedTo(rollout.id);
  }

  /** All traffic on the canary, which becomes the primary provider. */
  async complete(
    rollout: Rollout,
    actor: string,
    details: Record<string, unknown> = {},
  ): Promise<Rollout> {
    const isModelRollout = rollout.kind === RolloutKind.model;
    const changed = await this.options.store.transition(rollout.id, live, {
      status: 'completed',
      finished: true,
      reason: isModelRollout
        ? `completed: requests for ${rollout.baseline} are served by ${rollout.canary}`
        : `completed: ${rollout.canary} serves all traffic`,
    });
    if (!changed) throw this.notLive(rollout);
    const { controlPlane } = this.options;
    const author = { actor: `rollout:${rollout.id}`, reason: `rollout completed (${actor})` };
    const weights = { [rollout.baseline]: 0, [rollout.canary]: 1 };
    if (isModelRollout) {
      await completeModelRollout(
        { ...this.options, split: this.split },
        rollout,
        actor,
        weights,
        details,
      );
      return this.changedTo(rollout.id);
    }
    await controlPlane.setWeights(weights, { model: rollout.model ?? undefined }, author);
    await this.split.restore(rollout, author);
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
    return this.changedTo(rollout.id);
  }

  /** Everything back to the baseline; `reason` names the guardrail and values when automatic. */
  async rollback(
    rollout: Rollout,
    actor: string,
    reason: string,
    details: Record<string, unknown> = {},
  ): Promise<Rollout> {
    const shadow = rollout.state.shadow;
    const changed = await this.options.store.transition(rollout.id, live, {
      status: 'rolled_back',
      finished: true,
      reason,
      // A rollback during the shadow stage ends it: no copy is made after this.
      ...(inShadowStage(rollout) && shadow
        ? {
            state: {
              ...rollout.state,
              shadow: { ...shadow, endedAt: this.isoNow(), outcome: 'rolled_back' as const },
            },
          }
        : {}),
    });
    if (!changed) throw this.notLive(rollout);
    const weights = { [rollout.baseline]: 1, [rollout.canary]: 0 };
    const author = { actor: `rollout:${rollout.id}`, reason: `rolled back: ${reason}` };
    if (rollout.kind === RolloutKind.model)
      await restoreModelRedirect(this.options.controlPlane, rollout, author);
    else
      await this.options.controlPlane.setWeights(
        weights,
        { model: rollout.model ?? undefined },
        author,
      );
    await this.split.restore(rollout, author);
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
    return this.changedTo(rollout.id);
  }

  /** Stops promotions (guardrails still roll back); `reason` is shown on the rollout. */
  async pause(rollout: Rollout, actor: string, reason?: string): Promise<Rollout> {
    if (rollout.status === 'paused') throw this.notLive(rollout, 'active');
    const state = { ...rollout.state, pausedAt: this.isoNow() };
    const changed = await this.options.store.transition(rollout.id, ['active'], {
      status: 'paused',
      state,
      ...(reason ? { reason } : {}),
    });
    if (!changed) throw this.notLive(await this.require(rollout.id), 'active');
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: 'paused',
      stage: rollout.currentStage,
      details: reason ? { reason } : {},
      actor,
    });
    return this.changedTo(rollout.id);
  }

  /**
   * Continues the stage: the time spent paused does not count toward it, the split is counted
   * afresh from now, and the stage's weights are written again — the rollout owns its split, so
   * whatever changed it by hand while paused is put right.
   */
  async resume(rollout: Rollout, actor: string, reason?: string): Promise<Rollout> {
    if (rollout.status === 'active') throw this.notLive(rollout, 'paused');
    // Paused because the shadow budget ran out: the operator lets the first live stage begin.
    if (rollout.state.shadow?.outcome === 'paused')
      return this.enterStage(rollout, 0, actor, 'resumed', reason ? { reason } : {});
    const now = this.options.now();
    const pausedAt = rollout.state.pausedAt ? Date.parse(rollout.state.pausedAt) : now;
    const state: RolloutState = {
      ...rollout.state,
      pausedAt: null,
      pausedMs: rollout.state.pausedMs + Math.max(0, now - pausedAt),
      splitSince: new Date(now).toISOString(),
      driftStreak: 0,
    };
    const changed = await this.options.store.transition(rollout.id, ['paused'], {
      status: 'active',
      state,
      reason: null,
    });
    if (!changed) throw this.notLive(await this.require(rollout.id), 'paused');
    const weights = this.weightsFor(rollout.baseline, rollout.canary, this.liveWeight(rollout));
    await this.split.apply({ ...rollout, state }, weights, {
      actor: `rollout:${rollout.id}`,
      reason: `resumed by ${actor}`,
    });
    await this.options.store.addDecision({
      rolloutId: rollout.id,
      decision: 'resumed',
      stage: rollout.currentStage,
      weights,
      details: reason ? { reason } : {},
      actor,
    });
    return this.changedTo(rollout.id);
  }

  /** Canary weight as a `{baseline, canary}` pair. */
  weightsFor(baseline: string, canary: string, weight: number): Record<string, number> {
    return { [baseline]: Math.round((1 - weight) * 1e6) / 1e6, [canary]: weight };
  }

  /** The rollout as stored after a change, once the change was announced. */
  private changedTo(id: string): Promise<Rollout> {
    this.options.changed?.();
    return this.require(id);
  }

  private isoNow(): string {
    return new Date(this.options.now()).toISOString();
  }

  /** Says what state the rollout is in, not only what it is not. */
  private notLive(rollout: Rollout, expected?: RolloutStatus): ConflictError {
    const status = rollout.status.replace('_', ' ');
    const message =
      expected && (rollout.status === 'active' || rollout.status === 'paused')
        ? `Rollout ${rollout.id} is already ${status}.`
        : `Rollout ${rollout.id} is ${status}; it can no longer change.`;
    return new ConflictError('rollout_not_live', message, { status: rollout.status });
  }
}
