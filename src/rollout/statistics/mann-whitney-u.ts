import { normalSurvival } from './normal-distribution.js';

/** A Mann-Whitney U test of "canary values tend to be larger than baseline values". */
export interface MannWhitneyResult {
  /** U for the canary: pairs (canary, baseline) with canary > baseline, ties counting ½. */
  u: number;
  canarySamples: number;
  baselineSamples: number;
  /**
   * The effect size P(canary > baseline) + ½·P(tie) − ½ (the common-language effect minus ½):
   * 0 when neither arm tends higher, +0.5 when every canary value exceeds every baseline value.
   */
  effect: number;
  /** Variance of `effect` under "no difference", with the tie correction. */
  nullVariance: number;
  /** (U − n₁n₂/2) / σ_U with the tie correction, no continuity correction; 0 when σ_U = 0. */
  z: number;
  /** One-sided fixed-sample p-value P(Z ≥ z), canary larger. */
  pValue: number;
}

/**
 * Mann-Whitney U over binned data: `canary[i]` and `baseline[i]` count the observations in bin
 * i, bins ordered by value. Observations in one bin are ties, which is exactly how a latency
 * histogram stores them: U and the tie-corrected variance come from the counts alone, so the
 * cost is the number of bins, not of requests.
 *
 * Variance with ties (Lehmann): σ²_U = n₁n₂/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))).
 */
export function mannWhitneyFromCounts(
  canary: readonly number[],
  baseline: readonly number[],
): MannWhitneyResult {
  const bins = Math.max(canary.length, baseline.length);
  let canarySamples = 0;
  let baselineSamples = 0;
  for (let index = 0; index < bins; index++) {
    canarySamples += canary[index] ?? 0;
    baselineSamples += baseline[index] ?? 0;
  }
  const total = canarySamples + baselineSamples;
  let u = 0;
  let baselineBelow = 0;
  let tieTerm = 0;
  for (let index = 0; index < bins; index++) {
    const inCanary = canary[index] ?? 0;
    const inBaseline = baseline[index] ?? 0;
    u += inCanary * (baselineBelow + inBaseline / 2);
    baselineBelow += inBaseline;
    const tied = inCanary + inBaseline;
    tieTerm += tied * tied * tied - tied;
  }
  const pairs = canarySamples * baselineSamples;
  if (pairs === 0)
    return {
      u: 0,
      canarySamples,
      baselineSamples,
      effect: 0,
      nullVariance: 0,
      z: 0,
      pValue: 1,
    };
  const varianceU = (pairs / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  const z = varianceU > 0 ? (u - pairs / 2) / Math.sqrt(varianceU) : 0;
  return {
    u,
    canarySamples,
    baselineSamples,
    effect: u / pairs - 0.5,
    nullVariance: Math.max(0, varianceU) / (pairs * pairs),
    z,
    pValue: varianceU > 0 ? normalSurvival(z) : 1,
  };
}

/**
 * The same test over raw values (cost per output per rollup cell): the distinct values become
 * the bins, so ties are handled as in {@link mannWhitneyFromCounts}.
 */
export function mannWhitneyFromValues(
  canary: readonly number[],
  baseline: readonly number[],
): MannWhitneyResult {
  const values = [...new Set([...canary, ...baseline])].sort((left, right) => left - right);
  const position = new Map(values.map((value, index) => [value, index]));
  const count = (sample: readonly number[]) => {
    const counts = new Array<number>(values.length).fill(0);
    for (const value of sample) counts[position.get(value)!]!++;
    return counts;
  };
  return mannWhitneyFromCounts(count(canary), count(baseline));
}
