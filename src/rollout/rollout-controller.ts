import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AnalyticsRecorder } from '../analytics/analytics-recorder.js';
import { GatewayError } from '../core/errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import { ControllerLease } from '../store/controller-lease.js';
import {
  describeBreach,
  evaluateGuardrails,
  type ArmTotals,
  type GuardrailResult,
} from './evaluate-guardrails.js';
import { GuardrailName } from '../core/rollout-plan.js';
import type { RolloutService } from './rollout-service.js';
import { inShadowStage, type Rollout } from './rollout-store.js';
import {
  decideShadowStage,
  shadowCheckOf,
  shadowJudgedPlan,
  type ShadowCheck,
} from './decide-shadow-stage.js';
import { readShadowSummary } from './read-shadow-summary.js';
import { checkSplit, type SplitCheck } from './check-split.js';
import { readArmTotals, type ArmWindow } from './read-arm-totals.js';
import { formatPercent } from './split-overrides.js';
import {
  compareArms,
  describeComparison,
  type ArmComparison,
  type ArmPair,
} from './compare-arms.js';

export interface RolloutControllerOptions {
  database: Database;
  service: RolloutService;
  analytics: AnalyticsRecorder;
  logger: Logger;
  /** How often the controller wakes up (each rollout is evaluated at its own interval). */
  tickMs: number;
  /** Lease time-to-live; another instance takes over this long after a holder dies. */
  leaseMs: number;
  now?: () => number;
}

/** What one evaluation found, stored on the rollout and in its decision history. */
export interface RolloutEvaluation {
  at: string;
  stage: number;
  guardrails: GuardrailResult[];
  /**
   * Canary against baseline per guardrail over the stage so far (rank and proportion tests,
   * sequential): effect sizes, bounds and p-values. A `worse` one rolls back.
   */
  comparisons: ArmComparison[];
  /**
   * The canary's share since the stage started (or the last resume) against the stage weight;
   * inconclusive in a shadow stage, where the canary's requests are the copies.
   */
  split: SplitCheck;
  /** In a shadow stage: copies, spend against the budget, time in the stage. */
  shadow?: ShadowCheck;
  /** `pause`: the split is not what the stage says, or the routing was changed by hand. */
  decision: 'hold' | 'promote' | 'complete' | 'rollback' | 'pause';
  reason?: string;
}

/** Evaluations in a row that must see the routing changed before pausing (one NOTIFY may lag). */
const driftConfirmations = 2;

/**
 * Exactly one instance runs this at a time (a lease in the database). Every interval it reads the
 * per-bucket rollups of both arms, evaluates the guardrails, and rolls back (a breach confirmed
 * by consecutive evaluations), promotes (every check passing at the end of a stage), or holds.
 * State lives in the database, so a restarted gateway continues where it was.
 */
export class RolloutController {
  readonly lease: ControllerLease;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private holding = false;
  private readonly now: () => number;

  constructor(private readonly options: RolloutControllerOptions) {
    this.now = options.now ?? Date.now;
    this.lease = new ControllerLease(
      options.database,
      'rollout-controller',
      `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    );
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    if (this.holding) await this.lease.release().catch(() => undefined);
  }

  /** Whether this instance held the lease at its last tick. */
  get isLeader(): boolean {
    return this.holding;
  }

  /** One pass: take or renew the lease, then evaluate the rollouts that are due. */
  tick(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Evaluates one rollout now and applies the decision; used by ticks and tests. */
  async evaluate(rollout: Rollout): Promise<RolloutEvaluation> {
    const { service } = this.options;
    await this.options.analytics.flush();
    const now = this.now();
    const shadowing = inShadowStage(rollout);
    const judged = shadowing
      ? {
          ...rollout,
          plan: shadowJudgedPlan(rollout.plan, (now - rollout.stageStartedAt.getTime()) / 1000),
        }
      : rollout;
    const totals = await this.readTotals(judged, now);
    const costTotals = totals.cost_per_output.baseline;
    const state = { ...rollout.state, breachStreaks: { ...rollout.state.breachStreaks } };
    if (
      costTotals?.costPerOutputUsd !== null &&
      costTotals?.costPerOutputUsd !== undefined &&
      costTotals.outputs >= rollout.plan.guardrails.cost_per_output.minSamples
    ) {
      state.baselineCostReference = costTotals.costPerOutputUsd;
    }
    const guardrails = evaluateGuardrails(judged.plan, totals, state.baselineCostReference);
    for (const result of guardrails)
      state.breachStreaks[result.name] =
        result.status === 'breach' ? (state.breachStreaks[result.name] ?? 0) + 1 : 0;
    const confirmed = guardrails.filter(
      (result) =>
        result.status === 'breach' &&
        (state.breachStreaks[result.name] ?? 0) >= rollout.plan.breachConfirmations,
    );
    // The sequential tests keep their α however often they look: no confirmations needed.
    const comparisons = compareArms(rollout.plan, await this.readStageTotals(rollout));
    const worse = comparisons.filter((result) => result.status === 'worse');
    const rollbackReasons = [...confirmed.map(describeBreach), ...worse.map(describeComparison)];
    const stage = rollout.plan.stages[rollout.currentStage]!;
    const pausedMs =
      state.pausedMs + (state.pausedAt ? Math.max(0, now - Date.parse(state.pausedAt)) : 0);
    const activeMs = now - rollout.stageStartedAt.getTime() - pausedMs;
    const stageDone = activeMs >= stage.minDurationSeconds * 1000;
    const allPassing = guardrails.every(
      (result) => result.status === 'pass' || result.status === 'disabled',
    );
    const liveWeight = service.liveWeight(rollout);
    const split = shadowing
      ? await this.readShadowSplit(rollout)
      : await this.readSplit(rollout, stage.weight);
    const expected = service.weightsFor(rollout.baseline, rollout.canary, liveWeight);
    const drift = service.split.drift(rollout, expected);
    state.driftStreak = drift ? state.driftStreak + 1 : 0;
    const paused = rollout.status !== 'active';
    const shadow = shadowing ? await this.checkShadow(rollout, activeMs) : undefined;
    const shadowVerdict =
      shadow && rollout.plan.shadow
        ? decideShadowStage(rollout.plan.shadow, shadow, guardrails)
        : undefined;
    const decision: RolloutEvaluation['decision'] = rollbackReasons.length
      ? 'rollback'
      : !paused && drift && state.driftStreak >= driftConfirmations
        ? 'pause'
        : shadowVerdict
          ? paused
            ? 'hold'
            : shadowVerdict.decision
          : // A failing canary hands requests back to the baseline (routed there too): while a
            // guardrail is breached the split says nothing new, and the breach decides.
            !paused &&
              split.status === 'mismatch' &&
              !guardrails.some((result) => result.status === 'breach')
            ? 'pause'
            : !paused && stageDone && allPassing
              ? rollout.currentStage + 1 >= rollout.plan.stages.length
                ? 'complete'
                : 'promote'
              : 'hold';
    const reason = rollbackReasons.length
      ? rollbackReasons.join('; ')
      : decision === 'hold'
        ? undefined
        : drift && state.driftStreak >= driftConfirmations
          ? `routing_changed: ${drift}; the rollout owns this split (resume writes the stage's weights again)`
          : shadowVerdict && shadowVerdict.decision !== 'hold'
            ? shadowVerdict.reason
            : decision !== 'pause'
              ? undefined
              : `split_mismatch: the canary received ${formatPercent(split.observedShare ?? 0)} of ${split.requests} requests since the stage started, the stage says ${formatPercent(split.expectedShare)}`;
    // Out of copies and short of samples: the shadow stage ends here, and the rollout waits.
    if (decision === 'pause' && shadowVerdict?.decision === 'pause' && state.shadow)
      state.shadow = { ...state.shadow, endedAt: new Date(now).toISOString(), outcome: 'paused' };
    const evaluation: RolloutEvaluation = {
      at: new Date(now).toISOString(),
      stage: rollout.currentStage,
      guardrails,
      comparisons,
      split,
      ...(shadow ? { shadow } : {}),
      decision,
      reason,
    };
    const stored = await service.store.transition(rollout.id, ['active', 'paused'], {
      state,
      lastEvaluation: evaluation,
    });
    if (!stored) return evaluation;
    const actor = `controller:${this.lease.holder}`;
    await service.store.addDecision({
      rolloutId: rollout.id,
      decision: 'evaluated',
      stage: rollout.currentStage,
      details: { guardrails, comparisons, decision, ...(shadow ? { shadow } : {}) },
      actor,
    });
    const current = { ...rollout, state };
    try {
      if (decision === 'rollback') {
        this.options.logger.error(
          { rolloutId: rollout.id, reason },
          'guardrail breached; rolling back',
        );
        await service.rollback(current, actor, reason!, {
          guardrails: confirmed,
          comparisons: worse,
        });
      } else if (decision === 'promote') {
        await service.promote(current, actor, {
          guardrails,
          comparisons,
          ...(shadow ? { shadow, reason } : {}),
        });
      } else if (decision === 'complete') {
        await service.complete(current, actor, { guardrails, comparisons });
      } else if (decision === 'pause') {
        this.options.logger.warn({ rolloutId: rollout.id, reason }, 'rollout paused');
        await service.pause(current, actor, reason);
      }
    } catch (error) {
      // A manual command changed the rollout between our read and our write; it wins.
      if (!(error instanceof GatewayError && error.code === 'rollout_not_live')) throw error;
    }
    return evaluation;
  }

  private async run(): Promise<void> {
    try {
      this.holding = await this.lease.acquire(this.options.leaseMs);
      if (!this.holding) return;
      for (const rollout of await this.options.service.store.live()) {
        const due =
          !rollout.lastEvaluatedAt ||
          this.now() - rollout.lastEvaluatedAt.getTime() >=
            rollout.plan.intervalSeconds * 1000 - this.options.tickMs / 2;
        if (due) await this.evaluate(rollout);
      }
    } catch (error) {
      this.options.logger.error(
        { error: (error as Error).message },
        'rollout controller tick failed',
      );
    }
  }

  /** The shadow stage's counters and copies (the counters are on the rollout row). */
  private async checkShadow(rollout: Rollout, activeMs: number): Promise<ShadowCheck> {
    const plan = rollout.plan.shadow!;
    const summary = await readShadowSummary(this.options.database, rollout.id, 0);
    return shadowCheckOf(
      plan,
      {
        copies: rollout.shadowCopies,
        reservedUsd: rollout.shadowReservedUsd,
        budgetSpent:
          rollout.shadowBudgetSpentAt !== null ||
          rollout.shadowReservedUsd >= plan.budgetUsd - 1e-9,
      },
      summary,
      activeMs,
    );
  }

  /**
   * In a shadow stage every live request goes to the baseline and the canary's routed requests
   * are the copies: a share says nothing, so the check reports the live requests, inconclusive.
   */
  private async readShadowSplit(rollout: Rollout): Promise<SplitCheck> {
    const window = await readArmTotals(this.options.database, rollout, rollout.stageStartedAt);
    return {
      status: 'inconclusive',
      requests: window.baseline?.routed ?? 0,
      observedShare: null,
      expectedShare: 0,
      zScore: null,
    };
  }

  /** Requests routed to each arm since the stage started (or the rollout was last resumed). */
  private async readSplit(rollout: Rollout, weight: number): Promise<SplitCheck> {
    const since = rollout.state.splitSince
      ? new Date(rollout.state.splitSince)
      : rollout.stageStartedAt;
    const window = await readArmTotals(this.options.database, rollout, since);
    return checkSplit(
      { baseline: window.baseline?.routed ?? 0, canary: window.canary?.routed ?? 0 },
      weight,
    );
  }

  /**
   * Both arms since the stage started: the comparisons accumulate over the stage (pauses
   * included, as both arms keep receiving traffic), which is what a sequential test needs.
   */
  private readStageTotals(rollout: Rollout): Promise<ArmPair> {
    return readArmTotals(this.options.database, rollout, rollout.stageStartedAt);
  }

  /** Totals per arm for each guardrail's own window (one read per distinct window). */
  private async readTotals(rollout: Rollout, now: number): Promise<ArmTotals> {
    const byWindow = new Map<number, ArmWindow>();
    const totals = {} as ArmTotals;
    for (const name of Object.values(GuardrailName)) {
      const windowSeconds = rollout.plan.guardrails[name].windowSeconds;
      let window = byWindow.get(windowSeconds);
      if (!window) {
        window = await readArmTotals(
          this.options.database,
          rollout,
          new Date(now - windowSeconds * 1000),
        );
        byWindow.set(windowSeconds, window);
      }
      totals[name] = window;
    }
    return totals;
  }
}
