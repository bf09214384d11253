import { z } from 'zod';

/**
 * Response schemas of `/admin/rollouts` (admin-rollout-routes). The plan, the last evaluation
 * and a decision's details are open objects: they carry every field the rollout engine writes.
 */

/** A rollout's plan (stages, guardrails, limits), as started. */
const RolloutPlanSchema = z.looseObject({
  kind: z.enum(['provider', 'model']).optional(),
  stages: z.array(z.looseObject({ weight: z.number() })),
});

/** One decision of a rollout (advance, hold, pause, rollback, evaluation…). */
export const RolloutDecisionSchema = z.object({
  id: z.number(),
  /** ISO 8601. */
  at: z.string(),
  decision: z.string(),
  stage: z.number(),
  weights: z.record(z.string(), z.number()).nullable(),
  details: z.record(z.string(), z.unknown()),
  actor: z.string(),
});

/** One shadow copy: what the canary answered for which client job. */
const ShadowJobSchema = z.object({
  id: z.string(),
  /** The client job it copies (answered by the baseline). */
  client_job_id: z.string(),
  status: z.string(),
  provider: z.string().nullable(),
  model: z.string(),
  cost_usd: z.number().nullable(),
  outputs: z.array(z.object({ asset_id: z.string(), url: z.string() })),
  error_code: z.string().nullable(),
  created_at: z.string(),
});

/** The shadow stage (copies to the canary before any live share), when the plan has one. */
const RolloutShadowSchema = z.object({
  /** `running`: copies are being made; `ended`: see `outcome`. */
  status: z.enum(['running', 'ended']),
  outcome: z.enum(['promoted', 'paused', 'resumed', 'rolled_back']).nullable(),
  /** Share of the rollout's requests copied. */
  fraction: z.number(),
  budget_usd: z.number(),
  duration_seconds: z.number().nullable(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  /** Copies made, and the estimates they reserved of the budget. */
  copies: z.number(),
  reserved_usd: z.number(),
  /** Actual provider cost of the finished copies. */
  spent_usd: z.number(),
  /** When a copy was first refused because it would have overspent the budget. */
  budget_spent_at: z.string().nullable(),
  succeeded: z.number(),
  failed: z.number(),
  unfinished: z.number(),
  /** The latest copies, newest first. */
  recent_jobs: z.array(ShadowJobSchema),
});

/** A rollout: stage, weights, observed split, guardrails, comparisons and decisions. */
export const RolloutSchema = z
  .object({
    id: z.string(),
    object: z.literal('rollout'),
    status: z.enum(['active', 'paused', 'rolled_back', 'completed']),
    /** `model`: the arms are models (baseline = from_model, canary = to_model). */
    kind: z.enum(['provider', 'model']),
    baseline: z.string(),
    canary: z.string(),
    model: z.string().nullable(),
    from_model: z.string().nullable(),
    to_model: z.string().nullable(),
    stage: z.object({
      /** `shadow`: before the first live stage, the canary gets copies only. */
      phase: z.enum(['shadow', 'live']),
      index: z.number(),
      number: z.number(),
      of: z.number(),
      canary_weight: z.number(),
      min_duration_seconds: z.number(),
      started_at: z.string(),
    }),
    /** The weights in force, baseline and canary. */
    weights: z.record(z.string(), z.number()),
    /** Share of each arm (keyed by arm) since the stage started, and the request count. */
    observed_split: z.looseObject({ since: z.string(), requests: z.number() }),
    /** Settings set aside for the rollout's life, restored at the end. */
    superseded: z.array(z.looseObject({ key: z.string(), model: z.string(), setting: z.string() })),
    /** The shadow stage, when the plan has one. */
    shadow: RolloutShadowSchema.nullable(),
    /** Guardrails against their limits at the last evaluation. */
    guardrails: z.unknown(),
    /** Canary against baseline over the stage so far: effect, bound, sequential p-value, α. */
    comparisons: z.unknown(),
    last_evaluation: z.unknown(),
    last_evaluated_at: z.string().nullable(),
    plan: RolloutPlanSchema,
    reason: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    /** The latest decisions (evaluations left out). */
    decisions: z.array(RolloutDecisionSchema),
  })
  .meta({ id: 'Rollout' });

/** Rollouts, newest first. */
export const RolloutListSchema = z.object({
  object: z.literal('list'),
  data: z.array(RolloutSchema),
});

/** A rollout's full decision history. */
export const RolloutDecisionListSchema = z.object({
  object: z.literal('list'),
  data: z.array(RolloutDecisionSchema),
});

/** `?dry_run=true`: the plan as it would start, sized at the last hour's traffic. */
export const RolloutDryRunSchema = z.object({
  object: z.literal('rollout_dry_run'),
  plan: RolloutPlanSchema,
  traffic: z.object({
    requestsPerSecond: z.number(),
    failureRate: z.number().nullable(),
    regenerateRate: z.number().nullable(),
    logSpread: z.number().nullable(),
    bucketSeconds: z.number(),
    measuredOverSeconds: z.number(),
  }),
  stages: z.array(
    z.object({
      stage: z.number(),
      weight: z.number(),
      minDurationSeconds: z.number(),
      guardrails: z.array(
        z.object({
          name: z.string(),
          detectableEffect: z.number(),
          requiredSamples: z.number().nullable(),
          requiredSeconds: z.number().nullable(),
          enough: z.boolean().nullable(),
        }),
      ),
    }),
  ),
});
