import type { WindowTotals } from '../analytics/rollup-reader.js';
import { GuardrailName, type RolloutPlan } from '../core/rollout-plan.js';
import { mannWhitneyFromCounts, mannWhitneyFromValues } from './statistics/mann-whitney-u.js';
import { alwaysValidPValue, mixtureBoundary } from './statistics/mixture-sprt.js';
import { normalCdf } from './statistics/normal-distribution.js';
import { twoProportionTest } from './statistics/two-proportion-test.js';
import { binomialMixtureTest } from './statistics/binomial-mixture-sprt.js';

/** One guardrail's comparison of the canary with the baseline over the stage so far. */
export interface ArmComparison {
  name: GuardrailName;
  test: 'mann_whitney_u' | 'two_proportions';
  /**
   * `worse`: the canary is worse than the baseline beyond chance (a rollback); `no_evidence`:
   * not shown worse (yet); `inconclusive`: too few samples in an arm; `disabled`.
   */
  status: 'worse' | 'no_evidence' | 'inconclusive' | 'disabled';
  /**
   * The effect size. Rank tests: P(a canary value > a baseline value), ties half (0.5 = no
   * difference). Proportions: canary rate − baseline rate, in proportion points.
   */
  effect: number | null;
  /**
   * Lower confidence bound on `effect`, valid at every look at level 1 − `alpha`: above 0.5
   * (ranks) or 0 (rates) exactly when the comparison says `worse`.
   */
  lowerBound: number | null;
  /** Always-valid (sequential) p-value: the chance of a value this extreme at any look under "no difference". */
  pValue: number | null;
  /** The fixed-sample p-value of this look alone, for reference (not what decides). */
  fixedPValue: number | null;
  /** This comparison's share of the rollout's α (split over guardrails and compared stages). */
  alpha: number;
  /** The guardrail's value per arm (p95 ms, rate, or USD per output). */
  canaryValue: number | null;
  baselineValue: number | null;
  /** Requests (or rollup cells for cost) per arm. */
  canarySamples: number;
  baselineSamples: number;
}

/** The stage-so-far totals of each arm. */
export interface ArmPair {
  canary: WindowTotals | undefined;
  baseline: WindowTotals | undefined;
}

/** Cost cells (rollup rows) each arm needs before cost is compared. */
export const minimumCostCells = 8;

/**
 * The α each comparison gets: the rollout's α over the enabled guardrails times the stages that
 * have a baseline left (Bonferroni), so that the chance of any false rollback by a comparison
 * over the whole rollout stays at most α.
 */
export function comparisonAlpha(plan: RolloutPlan): number {
  const guardrails = Object.values(plan.guardrails).filter((guardrail) => guardrail.enabled).length;
  // A shadow stage compares the copies with the live baseline: one more family of looks.
  const stages = plan.stages.filter((stage) => stage.weight < 1).length + (plan.shadow ? 1 : 0);
  return plan.statistics.alpha / Math.max(1, guardrails * stages);
}

/** A relative increase under a log-normal scale shift, as a rank effect P(X > Y) − ½. */
export function rankEffectOfShift(relativeIncrease: number, logSpread: number): number {
  return normalCdf(Math.log1p(relativeIncrease) / (logSpread * Math.SQRT2)) - 0.5;
}

/**
 * The mixing scale τ of each guardrail's sequential test: the effect the operator wants to
 * detect, on the test's own scale. Fixed by the plan so that it cannot follow the data.
 */
export function mixingScales(plan: RolloutPlan): Record<GuardrailName, number> {
  const { detectableEffects, assumedLogSpread } = plan.statistics;
  return {
    p95_latency: rankEffectOfShift(detectableEffects.p95_latency, assumedLogSpread),
    cost_per_output: rankEffectOfShift(detectableEffects.cost_per_output, assumedLogSpread),
    failure_rate: detectableEffects.failure_rate,
    regenerate_rate: detectableEffects.regenerate_rate,
  };
}

/**
 * Compares canary with baseline per guardrail over the same window (the stage so far): a
 * Mann-Whitney U over the latency histograms and over the cost cells (a one-sided Gaussian
 * mSPRT on the rank effect), a test of two proportions for failure and regenerate rates (an
 * exact binomial mixture over where the events fell), so that evaluating every interval keeps
 * the false-alarm rate at `alpha`. Pure; only "canary worse" counts.
 */
export function compareArms(plan: RolloutPlan, totals: ArmPair): ArmComparison[] {
  const alpha = comparisonAlpha(plan);
  const scales = mixingScales(plan);
  const { canary, baseline } = totals;
  const results: ArmComparison[] = [];
  const judge = (
    name: GuardrailName,
    test: ArmComparison['test'],
    outcome: Outcome | null,
    samples: { canary: number; baseline: number; minimum: number },
    values: { canary: number | null; baseline: number | null },
  ) => {
    const common = {
      name,
      test,
      alpha,
      canaryValue: values.canary,
      baselineValue: values.baseline,
      canarySamples: samples.canary,
      baselineSamples: samples.baseline,
    };
    if (!plan.statistics.enabled || !plan.guardrails[name].enabled)
      return results.push({ ...common, ...empty, status: 'disabled' });
    if (!outcome || samples.canary < samples.minimum || samples.baseline < samples.minimum)
      return results.push({ ...common, ...empty, status: 'inconclusive' });
    const tau = scales[name];
    // The bound inverts the Gaussian mSPRT (the rank tests' own; for rates with the unpooled
    // variance, as a description: the decision is the exact binomial mixture's).
    const boundary = mixtureBoundary(outcome.boundVariance, tau, alpha);
    const pValue =
      outcome.pValue ?? alwaysValidPValue(outcome.estimate, outcome.boundVariance, tau);
    results.push({
      ...common,
      status: pValue <= alpha ? 'worse' : 'no_evidence',
      effect: outcome.offset + outcome.estimate,
      lowerBound: Number.isFinite(boundary) ? outcome.offset + outcome.estimate - boundary : null,
      pValue,
      fixedPValue: outcome.fixedPValue,
    });
  };

  const latency =
    canary && baseline
      ? mannWhitneyFromCounts(canary.latencyHistogram, baseline.latencyHistogram)
      : null;
  judge(
    GuardrailName.p95Latency,
    'mann_whitney_u',
    latency && rankOutcome(latency),
    {
      canary: latency?.canarySamples ?? 0,
      baseline: latency?.baselineSamples ?? 0,
      minimum: plan.guardrails.p95_latency.minSamples,
    },
    { canary: canary?.p95LatencyMs ?? null, baseline: baseline?.p95LatencyMs ?? null },
  );

  const failures = proportions(
    canary && { events: canary.failures, trials: canary.successes + canary.failures },
    baseline && { events: baseline.failures, trials: baseline.successes + baseline.failures },
  );
  judge(
    GuardrailName.failureRate,
    'two_proportions',
    failures.outcome,
    { ...failures.samples, minimum: plan.guardrails.failure_rate.minSamples },
    { canary: canary?.failureRate ?? null, baseline: baseline?.failureRate ?? null },
  );

  const cost =
    canary && baseline ? mannWhitneyFromValues(canary.costCells, baseline.costCells) : null;
  judge(
    GuardrailName.costPerOutput,
    'mann_whitney_u',
    cost && rankOutcome(cost),
    {
      canary: cost?.canarySamples ?? 0,
      baseline: cost?.baselineSamples ?? 0,
      minimum: minimumCostCells,
    },
    { canary: canary?.costPerOutputUsd ?? null, baseline: baseline?.costPerOutputUsd ?? null },
  );

  const regenerations = proportions(
    canary && { events: canary.regenerations, trials: canary.successes },
    baseline && { events: baseline.regenerations, trials: baseline.successes },
  );
  judge(
    GuardrailName.regenerateRate,
    'two_proportions',
    regenerations.outcome,
    { ...regenerations.samples, minimum: plan.guardrails.regenerate_rate.minSamples },
    { canary: canary?.regenerateRate ?? null, baseline: baseline?.regenerateRate ?? null },
  );
  return results;
}

const empty = { effect: null, lowerBound: null, pValue: null, fixedPValue: null };

/** What one test found, before the verdict. */
interface Outcome {
  /** The estimate on the test's scale (rank effect − ½, or rate difference). */
  estimate: number;
  /** Added back for the reported effect (½ for ranks). */
  offset: number;
  /** The variance the bound (and for ranks the Gaussian mSPRT) uses. */
  boundVariance: number;
  /** The sequential p-value when the test is not the Gaussian mSPRT. */
  pValue: number | null;
  fixedPValue: number;
}

/** A rank test's estimate is P(canary > baseline) − ½; the effect reported adds the ½ back. */
function rankOutcome(result: ReturnType<typeof mannWhitneyFromCounts>): Outcome {
  return {
    estimate: result.effect,
    offset: 0.5,
    boundVariance: result.nullVariance,
    pValue: null,
    fixedPValue: result.pValue,
  };
}

function proportions(
  canary: { events: number; trials: number } | undefined,
  baseline: { events: number; trials: number } | undefined,
): { samples: { canary: number; baseline: number }; outcome: Outcome | null } {
  const samples = { canary: canary?.trials ?? 0, baseline: baseline?.trials ?? 0 };
  if (!canary || !baseline || !canary.trials || !baseline.trials) return { samples, outcome: null };
  const fixed = twoProportionTest(canary, baseline);
  const unpooled =
    (fixed.canaryRate * (1 - fixed.canaryRate)) / canary.trials +
    (fixed.baselineRate * (1 - fixed.baselineRate)) / baseline.trials;
  return {
    samples,
    outcome: {
      estimate: fixed.difference,
      offset: 0,
      boundVariance: Math.max(unpooled, fixed.nullVariance),
      pValue: binomialMixtureTest(canary, baseline).pValue,
      fixedPValue: fixed.pValue,
    },
  };
}

/** A human line for a comparison that rolls back, with the effect and its bound. */
export function describeComparison(result: ArmComparison): string {
  const percent = (value: number | null) =>
    value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
  const effect =
    result.test === 'mann_whitney_u'
      ? `a canary ${result.name === GuardrailName.p95Latency ? 'request is slower' : 'output costs more'} than a baseline one with probability ${percent(result.effect)} (at least ${percent(result.lowerBound)})`
      : `the canary's rate is ${percent(result.effect)} points higher (at least ${percent(result.lowerBound)})`;
  const test = result.test === 'mann_whitney_u' ? 'Mann-Whitney U' : 'two-proportion test';
  return `${result.name} canary worse than baseline (${test}, sequential p ${formatPValue(result.pValue)} ≤ α ${formatPValue(result.alpha)}): ${effect}; ${result.canarySamples} vs ${result.baselineSamples} samples since the stage started`;
}

/** p-values in reasons and tables: 2 significant digits, never "0". */
export function formatPValue(value: number | null): string {
  if (value === null) return 'n/a';
  if (value < 1e-6) return '< 0.000001';
  return value.toPrecision(2);
}
