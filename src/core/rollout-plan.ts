import { z } from 'zod';

/** The four guardrails of the seed runbook (S2). */
export const GuardrailName = {
  p95Latency: 'p95_latency',
  failureRate: 'failure_rate',
  costPerOutput: 'cost_per_output',
  regenerateRate: 'regenerate_rate',
} as const;
export type GuardrailName = (typeof GuardrailName)[keyof typeof GuardrailName];

const GuardrailSchema = z
  .object({
    /** Switch one guardrail off. */
    enabled: z.boolean().default(true),
    /** Limit (ms for latency; ratio for failures and regenerations; multiple of baseline for cost). */
    limit: z.number().positive(),
    /** Sliding window the value is computed over. */
    windowSeconds: z.number().positive(),
    /** Below this many samples in the window the check is inconclusive, never passed. */
    minSamples: z.number().int().min(1),
  })
  .strict();
export type Guardrail = z.infer<typeof GuardrailSchema>;

/** Defaults from the runbook: p95 < 8 s, failures ≤ 2 %, cost ≤ baseline × 1.2, redo ≤ 5 %. */
export const defaultGuardrails = {
  p95_latency: { enabled: true, limit: 8000, windowSeconds: 300, minSamples: 20 },
  failure_rate: { enabled: true, limit: 0.02, windowSeconds: 300, minSamples: 50 },
  cost_per_output: { enabled: true, limit: 1.2, windowSeconds: 600, minSamples: 20 },
  regenerate_rate: { enabled: true, limit: 0.05, windowSeconds: 600, minSamples: 50 },
} satisfies Record<GuardrailName, Guardrail>;

// Overrides carry no defaults of their own: `{ "limit": 0.05 }` must not switch back on a
// guardrail that the operator defaults disabled.
const GuardrailOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    limit: z.number().positive().optional(),
    windowSeconds: z.number().positive().optional(),
    minSamples: z.number().int().min(1).optional(),
  })
  .strict();

const GuardrailsSchema = z
  .object({
    p95_latency: GuardrailOverrideSchema.optional(),
    failure_rate: GuardrailOverrideSchema.optional(),
    cost_per_output: GuardrailOverrideSchema.optional(),
    regenerate_rate: GuardrailOverrideSchema.optional(),
  })
  .strict();

/**
 * The effect each comparison should be able to detect, in the guardrail's own terms: a relative
 * increase for latency (of p95, by a scale shift) and cost per output, a difference in
 * proportion points for failure and regenerate rates.
 */
const DetectableEffectsSchema = z
  .object({
    /** Relative p95 increase, e.g. 0.2 = 20 % slower. */
    p95_latency: z.number().positive().default(0.2),
    /** Relative cost-per-output increase, e.g. 0.1 = 10 % dearer. */
    cost_per_output: z.number().positive().default(0.1),
    /** Failure-rate increase in points, e.g. 0.01 = one point more. */
    failure_rate: z.number().positive().max(1).default(0.01),
    /** Regenerate-rate increase in points. */
    regenerate_rate: z.number().positive().max(1).default(0.02),
  })
  .strict();

/**
 * Statistical judgement of canary against baseline (ADR 0014), on top of the absolute limits:
 * a rank test for latency and cost, a two-proportion test for rates, each made sequential
 * (mSPRT) so that looking every interval keeps the false-rollback rate at `alpha`.
 */
export const RolloutStatisticsSchema = z
  .object({
    /** Switch the comparisons off (the absolute limits still apply). */
    enabled: z.boolean().default(true),
    /**
     * Chance that a healthy canary is rolled back by a comparison over the whole rollout; split
     * evenly over the guardrails and the stages that have a baseline to compare with.
     */
    alpha: z.number().gt(0).max(0.5).default(0.05),
    /** Power the dry-run planner sizes stages for (chance of detecting the effects below). */
    power: z.number().gt(0.5).lt(1).default(0.8),
    /** Spread of log latency (and of log cost per cell) assumed to turn relative effects into rank effects. */
    assumedLogSpread: z.number().positive().default(0.5),
    detectableEffects: DetectableEffectsSchema.default(DetectableEffectsSchema.parse({})),
  })
  .strict();
export type RolloutStatistics = z.infer<typeof RolloutStatisticsSchema>;

const RolloutStatisticsOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    alpha: z.number().gt(0).max(0.5).optional(),
    power: z.number().gt(0.5).lt(1).optional(),
    assumedLogSpread: z.number().positive().optional(),
    detectableEffects: DetectableEffectsSchema.partial().optional(),
  })
  .strict();

const StageSchema = z
  .object({
    /** Share of traffic for the canary in this stage (0 < weight ≤ 1). */
    weight: z.number().gt(0).max(1),
    /** How long the stage must pass its checks before promotion. */
    minDurationSeconds: z.number().min(0),
  })
  .strict();
export type RolloutStage = z.infer<typeof StageSchema>;

/**
 * The optional shadow stage before any live share (issue 13 §2): a copy of a sampled fraction of
 * the rollout's requests also goes to the canary; the client is answered by the baseline alone,
 * the copy's result is stored for comparison and judged by the guardrails, and the copies stop
 * when the provider bill for them reaches the budget.
 */
export const ShadowStageSchema = z
  .object({
    /** Share of the rollout's requests copied to the canary (0 < fraction ≤ 1). */
    fraction: z.number().gt(0, 'fraction must be above 0').max(1, 'fraction must be at most 1'),
    /** What the copies may cost at the provider, in USD; no copy is made past it. */
    budgetUsd: z.number().gt(0, 'budgetUsd must be above 0'),
    /**
     * Shortest shadow stage: once this long with every guardrail passing, the first live stage
     * starts; absent, the shadow stage lasts until the budget is spent.
     */
    durationSeconds: z.number().gt(0).optional(),
  })
  .strict();
export type ShadowStage = z.infer<typeof ShadowStageSchema>;

/** The runbook's stages: 10 % for 1 h → 50 % for 3 h → 100 %. */
const defaultStages: RolloutStage[] = [
  { weight: 0.1, minDurationSeconds: 3600 },
  { weight: 0.5, minDurationSeconds: 10_800 },
  { weight: 1, minDurationSeconds: 0 },
];

/** The body of `POST /admin/rollouts`. */
export const StartRolloutSchema = z
  .object({
    /** Provider serving the traffic today (a provider rollout; not with `fromModel`). */
    baseline: z.string().min(1).optional(),
    /** Provider being rolled out (a provider rollout). */
    canary: z.string().min(1).optional(),
    /** Limit a provider rollout to one model (catalog key); all models when absent. */
    model: z.string().min(1).optional(),
    /**
     * A model rollout: the model (catalog key) whose requests are moved, stage by stage, to
     * `toModel`, on whichever providers serve each. Its scope is this model's requests.
     */
    fromModel: z.string().min(1).optional(),
    /** The model being rolled out in place of `fromModel` (same kind: image or video). */
    toModel: z.string().min(1).optional(),
    /** Stages in order; the last one should be weight 1. */
    stages: z
      .array(StageSchema)
      .min(1)
      .refine(
        (stages) =>
          stages.every((stage, index) => index === 0 || stage.weight >= stages[index - 1]!.weight),
        'stage weights must not decrease',
      )
      .optional(),
    /** Guardrail overrides (merged over the defaults). */
    guardrails: GuardrailsSchema.optional(),
    /** A shadow stage before the first live stage (copies to the canary, never answered). */
    shadow: ShadowStageSchema.optional(),
    /** How often the controller evaluates this rollout. */
    intervalSeconds: z.number().min(0.2).max(3600).optional(),
    /** Consecutive breached evaluations that trigger a rollback (1 = the first). */
    breachConfirmations: z.number().int().min(1).max(10).optional(),
    /** Overrides of the statistical judgement (merged over the defaults). */
    statistics: RolloutStatisticsOverrideSchema.optional(),
    /** Why (kept in the audit log). */
    reason: z.string().max(500).optional(),
    /**
     * Settings that would keep traffic away from the rollout (per-model weights or strategies
     * under an all-models rollout): `refuse` (the default) answers 409 naming them; `supersede`
     * sets them aside for the rollout's life and restores them when it ends.
     */
    overrides: z.enum(['refuse', 'supersede']).optional(),
  })
  .strict()
  .superRefine((body, context) => {
    const providers = body.baseline !== undefined || body.canary !== undefined;
    const models = body.fromModel !== undefined || body.toModel !== undefined;
    if (providers && models)
      context.addIssue({
        code: 'custom',
        message:
          'a rollout moves traffic between providers (baseline, canary) or between models (fromModel, toModel), not both',
        path: ['fromModel'],
      });
    else if (models) {
      if (!body.fromModel || !body.toModel)
        context.addIssue({
          code: 'custom',
          message: 'a model rollout needs both fromModel and toModel',
          path: [body.fromModel ? 'toModel' : 'fromModel'],
        });
      else if (body.fromModel === body.toModel)
        context.addIssue({
          code: 'custom',
          message: 'fromModel and toModel must differ',
          path: ['toModel'],
        });
      if (body.model !== undefined)
        context.addIssue({
          code: 'custom',
          message: "a model rollout's scope is fromModel; leave model out",
          path: ['model'],
        });
    } else if (!body.baseline || !body.canary)
      context.addIssue({
        code: 'custom',
        message: 'a rollout needs baseline and canary (providers), or fromModel and toModel',
        path: [body.baseline ? 'canary' : 'baseline'],
      });
    else if (body.baseline === body.canary)
      context.addIssue({
        code: 'custom',
        message: 'baseline and canary must differ',
        path: ['canary'],
      });
  });
export type StartRollout = z.infer<typeof StartRolloutSchema>;

/**
 * What a rollout's two arms are: providers serving the same model(s) (the split is provider
 * weights), or two models (the split is a weighted redirect of the baseline model's requests).
 */
export const RolloutKind = { provider: 'provider', model: 'model' } as const;
export type RolloutKind = (typeof RolloutKind)[keyof typeof RolloutKind];

/** The arms and scope of a validated start request, whichever kind it is. */
export interface RolloutArms {
  /** Whether the arms are providers or models. */
  kind: RolloutKind;
  /** Provider id, or model key for a model rollout (`fromModel`). */
  baseline: string;
  /** Provider id, or model key for a model rollout (`toModel`). */
  canary: string;
  /** Scope: one model's requests, or null for all models (provider rollouts only). */
  model: string | null;
}

/** Reads the arms off a request that passed {@link StartRolloutSchema}. */
export function rolloutArms(request: StartRollout): RolloutArms {
  if (request.fromModel && request.toModel)
    return {
      kind: RolloutKind.model,
      baseline: request.fromModel,
      canary: request.toModel,
      model: request.fromModel,
    };
  // The schema guarantees one complete pair; this only satisfies the type checker.
  if (!request.baseline || !request.canary)
    throw new TypeError('a start request without arms passed validation');
  return {
    kind: RolloutKind.provider,
    baseline: request.baseline,
    canary: request.canary,
    model: request.model ?? null,
  };
}

/** A rollout's plan with every default filled in, as stored. */
export const RolloutPlanSchema = z.object({
  // Plans stored before model rollouts existed are provider rollouts.
  kind: z.enum(['provider', 'model']).default('provider'),
  stages: z.array(StageSchema).min(1),
  guardrails: z.object({
    p95_latency: GuardrailSchema,
    failure_rate: GuardrailSchema,
    cost_per_output: GuardrailSchema,
    regenerate_rate: GuardrailSchema,
  }),
  intervalSeconds: z.number().positive(),
  breachConfirmations: z.number().int().min(1),
  // Plans stored before the statistical judgement existed read back with the defaults.
  statistics: RolloutStatisticsSchema.default(RolloutStatisticsSchema.parse({})),
  // Plans stored before shadow stages existed had none.
  shadow: ShadowStageSchema.nullable().default(null),
});
export type RolloutPlan = z.infer<typeof RolloutPlanSchema>;

/** Operator defaults for new rollouts (config `rollouts.defaults`). */
export const RolloutDefaultsSchema = z
  .object({
    stages: z.array(StageSchema).min(1).default(defaultStages),
    guardrails: GuardrailsSchema.default({}),
    intervalSeconds: z.number().min(0.2).default(30),
    breachConfirmations: z.number().int().min(1).default(1),
    statistics: RolloutStatisticsOverrideSchema.default({}),
  })
  .strict();
export type RolloutDefaults = z.infer<typeof RolloutDefaultsSchema>;
