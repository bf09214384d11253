import { normalSurvival } from './normal-distribution.js';

/** A pooled two-proportion z-test of "the canary's rate is higher than the baseline's". */
export interface TwoProportionResult {
  canaryRate: number;
  baselineRate: number;
  /** canaryRate − baselineRate (the effect size, in proportion points). */
  difference: number;
  /** Variance of `difference` under "same rate" (pooled): p̄(1 − p̄)(1/n₁ + 1/n₂). */
  nullVariance: number;
  z: number;
  /** One-sided fixed-sample p-value P(Z ≥ z). */
  pValue: number;
}

/**
 * Events out of trials per arm. A rate above 1 (regenerations can outnumber successes in
 * principle) is taken as it is: the pooled variance is then floored at 0.
 */
export function twoProportionTest(
  canary: { events: number; trials: number },
  baseline: { events: number; trials: number },
): TwoProportionResult {
  const canaryRate = canary.trials ? canary.events / canary.trials : 0;
  const baselineRate = baseline.trials ? baseline.events / baseline.trials : 0;
  const difference = canaryRate - baselineRate;
  if (!canary.trials || !baseline.trials)
    return { canaryRate, baselineRate, difference, nullVariance: 0, z: 0, pValue: 1 };
  const pooled = (canary.events + baseline.events) / (canary.trials + baseline.trials);
  const nullVariance =
    Math.max(0, pooled * (1 - pooled)) * (1 / canary.trials + 1 / baseline.trials);
  const z = nullVariance > 0 ? difference / Math.sqrt(nullVariance) : 0;
  return {
    canaryRate,
    baselineRate,
    difference,
    nullVariance,
    z,
    pValue: nullVariance > 0 ? normalSurvival(z) : 1,
  };
}
