import { GuardrailName, type RolloutPlan } from '../core/rollout-plan.js';
import { comparisonAlpha, mixingScales, rankEffectOfShift } from './compare-arms.js';
import { mixtureBoundary } from './statistics/mixture-sprt.js';
import { normalQuantile } from './statistics/normal-distribution.js';

/** The traffic a stage plan is sized for, as measured over the last hour. */
export interface CurrentTraffic {
  /** Requests per second in the rollout's scope (both arms together). */
  requestsPerSecond: number;
  /** Baseline failure and regenerate rates (null: none measured; a floor is used). */
  failureRate: number | null;
  regenerateRate: number | null;
  /** Spread of log latency from the baseline's p50 and p95 (null: the plan's assumption). */
  logSpread: number | null;
  /** Rollup bucket size: cost is compared per bucket. */
  bucketSeconds: number;
}

/** How long one stage must run for one guardrail's comparison to detect its effect. */
export interface GuardrailSampleSize {
  name: GuardrailName;
  /** The effect sized for (relative for latency and cost, points for rates). */
  detectableEffect: number;
  /** Requests in the stage (both arms; rollup cells per arm for cost); null: not comparable. */
  requiredSamples: number | null;
  requiredSeconds: number | null;
  /** Whether the stage's minimum duration is long enough at the current traffic. */
  enough: boolean | null;
}

export interface StageSampleSizes {
  stage: number;
  weight: number;
  minDurationSeconds: number;
  guardrails: GuardrailSampleSize[];
}

const rateFloor = 0.005;
const maximumSamples = 1e10;

/**
 * The planner behind `rollout start --dry-run`: per stage and guardrail, the samples and time
 * after which the sequential comparison detects the operator's effect with the plan's power
 * (the estimate's lower `power` quantile above the mSPRT boundary). A final stage at 100 % has
 * no baseline to compare with. Normal approximations throughout: a guide, not a guarantee.
 */
export function planStageDurations(plan: RolloutPlan, traffic: CurrentTraffic): StageSampleSizes[] {
  const alpha = comparisonAlpha(plan);
  const scales = mixingScales(plan);
  const quantile = normalQuantile(plan.statistics.power);
  const spread = traffic.logSpread ?? plan.statistics.assumedLogSpread;
  const effects = plan.statistics.detectableEffects;
  return plan.stages.map((stage, index) => {
    const weight = stage.weight;
    const size = (
      name: GuardrailName,
      effect: number,
      variance: (samples: number) => { alternative: number; null: number } | null,
      perSecond: number,
    ): GuardrailSampleSize => {
      const empty = {
        name,
        detectableEffect: effects[name],
        requiredSamples: null,
        requiredSeconds: null,
        enough: null,
      };
      if (weight >= 1 || !plan.guardrails[name].enabled || !plan.statistics.enabled) return empty;
      const detects = (samples: number) => {
        const spreads = variance(samples);
        if (!spreads) return false;
        return (
          effect - quantile * Math.sqrt(spreads.alternative) >=
          mixtureBoundary(spreads.null, scales[name], alpha)
        );
      };
      let high = 16;
      while (!detects(high)) if ((high *= 2) > maximumSamples) return empty;
      let low = high / 2;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (detects(middle)) high = middle;
        else low = middle;
      }
      const minimum = name === GuardrailName.costPerOutput ? 1 : plan.guardrails[name].minSamples;
      const requiredSamples = Math.max(high, minimum);
      const requiredSeconds = perSecond > 0 ? Math.ceil(requiredSamples / perSecond) : null;
      return {
        name,
        detectableEffect: effects[name],
        requiredSamples,
        requiredSeconds,
        enough: requiredSeconds === null ? false : requiredSeconds <= stage.minDurationSeconds,
      };
    };
    // Ranks without ties: Var(U / n₁n₂) = (n₁ + n₂ + 1) / (12 n₁ n₂), the same under the shift.
    const rankVariance = (canary: number, baseline: number) => {
      if (canary < 1 || baseline < 1) return null;
      const value = (canary + baseline + 1) / (12 * canary * baseline);
      return { alternative: value, null: value };
    };
    const rates = (rate: number | null, lift: number) => (requests: number) => {
      const canary = weight * requests;
      const baseline = (1 - weight) * requests;
      if (canary < 1 || baseline < 1) return null;
      const base = Math.max(rate ?? 0, rateFloor);
      const raised = Math.min(1, base + lift);
      const pooled = weight * raised + (1 - weight) * base;
      return {
        alternative: (raised * (1 - raised)) / canary + (base * (1 - base)) / baseline,
        null: pooled * (1 - pooled) * (1 / canary + 1 / baseline),
      };
    };
    return {
      stage: index,
      weight,
      minDurationSeconds: stage.minDurationSeconds,
      guardrails: [
        size(
          GuardrailName.p95Latency,
          rankEffectOfShift(effects.p95_latency, spread),
          (requests) => rankVariance(weight * requests, (1 - weight) * requests),
          traffic.requestsPerSecond,
        ),
        size(
          GuardrailName.failureRate,
          effects.failure_rate,
          rates(traffic.failureRate, effects.failure_rate),
          traffic.requestsPerSecond,
        ),
        // One cost cell per arm and rollup bucket (one model).
        size(
          GuardrailName.costPerOutput,
          rankEffectOfShift(effects.cost_per_output, plan.statistics.assumedLogSpread),
          (cells) => rankVariance(cells, cells),
          1 / traffic.bucketSeconds,
        ),
        size(
          GuardrailName.regenerateRate,
          effects.regenerate_rate,
          rates(traffic.regenerateRate, effects.regenerate_rate),
          traffic.requestsPerSecond,
        ),
      ],
    };
  });
}
