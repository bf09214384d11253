import { z } from 'zod';
import type { Database, Queryable } from '../store/database.js';
import { RolloutPlanSchema, type RolloutKind } from '../core/rollout-plan.js';

export const RolloutStatus = {
  active: 'active',
  paused: 'paused',
  rolledBack: 'rolled_back',
  completed: 'completed',
} as const;
export type RolloutStatus = (typeof RolloutStatus)[keyof typeof RolloutStatus];

export const RolloutStateSchema = z.object({
  /** Consecutive breached evaluations per guardrail. */
  breachStreaks: z.record(z.string(), z.number()).default({}),
  /** Last known baseline cost per output (used when the baseline gets no traffic). */
  baselineCostReference: z.number().nullable().default(null),
  /** When the rollout was paused (ISO), null while active: paused time does not count. */
  pausedAt: z.string().nullable().default(null),
  /** Time spent paused during the current stage, ms. */
  pausedMs: z.number().default(0),
  /** The split is counted from here (ISO; the stage start, or the last resume); null: stage start. */
  splitSince: z.string().nullable().default(null),
  /** Consecutive evaluations that found the routing changed outside the rollout. */
  driftStreak: z.number().default(0),
  /** The shadow stage's course, when the plan has one (null otherwise). */
  shadow: z
    .object({
      /** When the shadow stage began (ISO). */
      startedAt: z.string(),
      /** When it ended (ISO); null while copies are still being made. */
      endedAt: z.string().nullable(),
      /**
       * How it ended: the first live stage started (`promoted`), the budget ran out short of
       * samples (`paused`, then `resumed` by the operator), or the rollout rolled back.
       */
      outcome: z.enum(['promoted', 'paused', 'resumed', 'rolled_back']).nullable(),
    })
    .nullable()
    .default(null),
  /** Settings set aside for the rollout's life (`overrides: supersede`), restored at the end. */
  superseded: z
    .array(
      z.object({
        key: z.string(),
        model: z.string(),
        setting: z.enum(['weights', 'strategy']),
        value: z.string(),
        previousText: z.string().nullable(),
        previousFlag: z.boolean().nullable(),
      }),
    )
    .default([]),
});
export type RolloutState = z.infer<typeof RolloutStateSchema>;

const RolloutRowSchema = z.object({
  id: z.string(),
  status: z.enum(['active', 'paused', 'rolled_back', 'completed']),
  baseline_provider: z.string(),
  canary_provider: z.string(),
  model: z.string().nullable(),
  plan: RolloutPlanSchema,
  current_stage: z.number(),
  stage_started_at: z.coerce.date(),
  state: RolloutStateSchema,
  last_evaluation: z.unknown().nullable(),
  last_evaluated_at: z.coerce.date().nullable(),
  previous_routing: z.unknown().nullable(),
  reason: z.string().nullable(),
  created_by: z.string(),
  created_at: z.coerce.date(),
  updated_at: z.coerce.date(),
  finished_at: z.coerce.date().nullable(),
  shadow_reserved_usd: z.coerce.number().default(0),
  shadow_copies: z.coerce.number().default(0),
  shadow_budget_spent_at: z.coerce.date().nullable().default(null),
});

/** A rollout as stored. */
export interface Rollout {
  id: string;
  status: RolloutStatus;
  /** `provider`: the arms are providers; `model`: the arms are models (from the plan). */
  kind: RolloutKind;
  /** Provider id; for a model rollout the model moved from (the columns keep their names). */
  baseline: string;
  /** Provider id; for a model rollout the model moved to. */
  canary: string;
  /** Catalog key, or null for every model; a model rollout's is its baseline model. */
  model: string | null;
  plan: z.infer<typeof RolloutPlanSchema>;
  currentStage: number;
  stageStartedAt: Date;
  state: RolloutState;
  lastEvaluation: unknown;
  lastEvaluatedAt: Date | null;
  previousRouting: unknown;
  /** Why it was rolled back (with the offending values) or completed. */
  reason: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** Shadow copies made so far, and the estimates they reserved of the shadow budget (USD). */
  shadowCopies: number;
  shadowReservedUsd: number;
  /** When a copy was first refused because it would have overspent the shadow budget. */
  shadowBudgetSpentAt: Date | null;
}

/** Whether copies of the rollout's requests go to its canary now (its shadow stage runs). */
export function inShadowStage(rollout: Pick<Rollout, 'plan' | 'state'>): boolean {
  return rollout.plan.shadow !== null && rollout.state.shadow?.endedAt === null;
}

const DecisionRowSchema = z.object({
  id: z.coerce.number(),
  at: z.coerce.date(),
  decision: z.string(),
  stage: z.number(),
  weights: z.record(z.string(), z.number()).nullable(),
  details: z.record(z.string(), z.unknown()),
  actor: z.string(),
});
export type RolloutDecision = z.infer<typeof DecisionRowSchema>;

function toRollout(input: unknown): Rollout {
  const row = RolloutRowSchema.parse(input);
  return {
    id: row.id,
    status: row.status,
    kind: row.plan.kind,
    baseline: row.baseline_provider,
    canary: row.canary_provider,
    model: row.model,
    plan: row.plan,
    currentStage: row.current_stage,
    stageStartedAt: row.stage_started_at,
    state: row.state,
    lastEvaluation: row.last_evaluation,
    lastEvaluatedAt: row.last_evaluated_at,
    previousRouting: row.previous_routing,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    shadowCopies: row.shadow_copies,
    shadowReservedUsd: row.shadow_reserved_usd,
    shadowBudgetSpentAt: row.shadow_budget_spent_at,
  };
}

/**
 * Rollouts and their decision history in the database: state survives restarts. Timestamps
 * (stage start, evaluation, finish, decisions) come from `now` when given, so that they share
 * the rollout controller's clock (tests inject one); without it the database clock is used.
 */
export class RolloutStore {
  constructor(
    private readonly database: Database,
    private readonly now?: () => number,
  ) {}

  /** The injected time, or null for the database's `now()`. */
  private stamp(): string | null {
    return this.now ? new Date(this.now()).toISOString() : null;
  }

  async insert(
    rollout: {
      id: string;
      baseline: string;
      canary: string;
      model: string | null;
      plan: unknown;
      previousRouting: unknown;
      createdBy: string;
      state?: RolloutState;
    },
    executor: Queryable = this.database,
  ): Promise<void> {
    await executor.query(
      `INSERT INTO rollouts (id, status, baseline_provider, canary_provider, model, plan, previous_routing, created_by,
                             created_at, updated_at, stage_started_at, state)
       VALUES ($1, 'active', $2, $3, $4, $5, $6, $7, COALESCE($8::timestamptz, now()), COALESCE($8::timestamptz, now()),
               COALESCE($8::timestamptz, now()), COALESCE($9::jsonb, '{}'::jsonb))`,
      [
        rollout.id,
        rollout.baseline,
        rollout.canary,
        rollout.model,
        JSON.stringify(rollout.plan),
        JSON.stringify(rollout.previousRouting),
        rollout.createdBy,
        this.stamp(),
        rollout.state ? JSON.stringify(rollout.state) : null,
      ],
    );
  }

  async get(id: string): Promise<Rollout | undefined> {
    const { rows } = await this.database.query('SELECT * FROM rollouts WHERE id = $1', [id]);
    return rows[0] ? toRollout(rows[0]) : undefined;
  }

  async list(limit: number): Promise<Rollout[]> {
    const { rows } = await this.database.query(
      'SELECT * FROM rollouts ORDER BY created_at DESC LIMIT $1',
      [limit],
    );
    return rows.map(toRollout);
  }

  async live(): Promise<Rollout[]> {
    const { rows } = await this.database.query(
      `SELECT * FROM rollouts WHERE status IN ('active', 'paused') ORDER BY created_at`,
    );
    return rows.map(toRollout);
  }

  /**
   * A live rollout whose scope overlaps `model`'s (null: all models): the same scope, an
   * all-models rollout over any model, or any rollout under an all-models one. The same scope
   * first, so its message is the plainer one.
   */
  async liveOverlapping(model: string | null): Promise<Rollout | undefined> {
    const { rows } = await this.database.query(
      `SELECT * FROM rollouts WHERE status IN ('active', 'paused')
         AND ($1::text IS NULL OR model IS NULL OR model = $1)
       ORDER BY (COALESCE(model, '*') = COALESCE($1, '*')) DESC, created_at LIMIT 1`,
      [model],
    );
    return rows[0] ? toRollout(rows[0]) : undefined;
  }

  /**
   * Changes a rollout only if it is still in one of `from`; false when another actor (a manual
   * command, or a controller that lost its lease) changed it first.
   */
  async transition(
    id: string,
    from: readonly RolloutStatus[],
    change: {
      status?: RolloutStatus;
      currentStage?: number;
      stageStarted?: boolean;
      state?: RolloutState;
      lastEvaluation?: unknown;
      reason?: string | null;
      finished?: boolean;
    },
  ): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `WITH clock AS (SELECT COALESCE($11::timestamptz, now()) AS at)
       UPDATE rollouts SET
         status = COALESCE($3, status),
         current_stage = COALESCE($4, current_stage),
         stage_started_at = CASE WHEN $5::boolean THEN clock.at ELSE stage_started_at END,
         state = COALESCE($6::jsonb, state),
         last_evaluation = COALESCE($7::jsonb, last_evaluation),
         last_evaluated_at = CASE WHEN $7::jsonb IS NULL THEN last_evaluated_at ELSE clock.at END,
         reason = CASE WHEN $8::boolean THEN $9 ELSE reason END,
         finished_at = CASE WHEN $10::boolean THEN clock.at ELSE finished_at END,
         updated_at = clock.at
       FROM clock
       WHERE id = $1 AND status = ANY($2::text[])`,
      [
        id,
        [...from],
        change.status ?? null,
        change.currentStage ?? null,
        change.stageStarted ?? false,
        change.state ? JSON.stringify(change.state) : null,
        change.lastEvaluation === undefined ? null : JSON.stringify(change.lastEvaluation),
        change.reason !== undefined,
        change.reason ?? null,
        change.finished ?? false,
        this.stamp(),
      ],
    );
    return rowCount === 1;
  }

  /**
   * Reserves `estimateUsd` of a shadow budget for one more copy, atomically across instances:
   * false (and the budget marked spent) when the copy would take the reservations past
   * `budgetUsd`, or the rollout is no longer active.
   */
  async reserveShadowCopy(id: string, estimateUsd: number, budgetUsd: number): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `UPDATE rollouts SET shadow_reserved_usd = shadow_reserved_usd + $2,
         shadow_copies = shadow_copies + 1
       WHERE id = $1 AND status = 'active' AND shadow_budget_spent_at IS NULL
         AND shadow_reserved_usd + $2 <= $3 + 1e-9`,
      [id, estimateUsd, budgetUsd],
    );
    if (rowCount === 1) return true;
    await this.database.query(
      `UPDATE rollouts SET shadow_budget_spent_at = COALESCE($2::timestamptz, now())
       WHERE id = $1 AND status = 'active' AND shadow_budget_spent_at IS NULL
         AND shadow_reserved_usd + $3 > $4 + 1e-9`,
      [id, this.stamp(), estimateUsd, budgetUsd],
    );
    return false;
  }

  /** Gives back a reservation whose copy could not be stored. */
  async releaseShadowCopy(id: string, estimateUsd: number): Promise<void> {
    await this.database.query(
      `UPDATE rollouts SET shadow_reserved_usd = GREATEST(0, shadow_reserved_usd - $2),
         shadow_copies = GREATEST(0, shadow_copies - 1) WHERE id = $1`,
      [id, estimateUsd],
    );
  }

  async addDecision(decision: {
    rolloutId: string;
    decision: string;
    stage: number;
    weights?: Record<string, number> | null;
    details?: Record<string, unknown>;
    actor: string;
  }): Promise<void> {
    await this.database.query(
      `INSERT INTO rollout_decisions (rollout_id, decision, stage, weights, details, actor, at)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::timestamptz, now()))`,
      [
        decision.rolloutId,
        decision.decision,
        decision.stage,
        decision.weights ? JSON.stringify(decision.weights) : null,
        JSON.stringify(decision.details ?? {}),
        decision.actor,
        this.stamp(),
      ],
    );
  }

  /** Decisions newest first; routine evaluations can be left out. */
  /** Every rollout's decisions recorded after `afterId`, oldest first (live updates). */
  async decisionsAfter(
    afterId: number,
    limit: number,
  ): Promise<(RolloutDecision & { rolloutId: string })[]> {
    const { rows } = await this.database.query<Record<string, unknown>>(
      `SELECT id, rollout_id, at, decision, stage, weights, details, actor FROM rollout_decisions
       WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((row) => ({
      ...DecisionRowSchema.parse(row),
      rolloutId: z.string().parse(row.rollout_id),
    }));
  }

  /** The id of the latest decision, or 0: where a live stream starts. */
  async latestDecisionId(): Promise<number> {
    const { rows } = await this.database.query<{ id: number | string | null }>(
      'SELECT max(id) AS id FROM rollout_decisions',
    );
    return Number(rows[0]?.id ?? 0);
  }

  async decisions(
    rolloutId: string,
    options: { limit: number; includeEvaluations: boolean },
  ): Promise<RolloutDecision[]> {
    const { rows } = await this.database.query(
      `SELECT id, at, decision, stage, weights, details, actor FROM rollout_decisions
       WHERE rollout_id = $1 AND ($2::boolean OR decision <> 'evaluated') ORDER BY id DESC LIMIT $3`,
      [rolloutId, options.includeEvaluations, options.limit],
    );
    return rows.map((row) => DecisionRowSchema.parse(row));
  }
}
