/** Summary of a set of samples (same unit as the samples). */
export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
}

/**
 * The `p`-th percentile (0–100) of ascending `sorted`, nearest-rank. Nearest-rank rather than
 * interpolation so that a reported p99 is a latency some request really had.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Mean, median, tail percentiles and maximum of `values` (any order; not modified). */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    mean: sorted.length ? total / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p97_5: percentile(sorted, 97.5),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
  };
}

/** Rounds for display and JSON: enough digits to compare runs, no float noise. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
