/**
 * Fixed latency bucket upper bounds (ms), log-spaced from 50 ms to 30 min. Rollups store one
 * count per bucket so percentiles over any window come from summing a few arrays.
 */
const latencyBucketBounds: readonly number[] = (() => {
  const bounds: number[] = [];
  let bound = 50;
  while (bound < 30 * 60_000) {
    bounds.push(Math.round(bound));
    bound *= 1.25;
  }
  bounds.push(30 * 60_000, Number.POSITIVE_INFINITY);
  return bounds;
})();

/** Index of the bucket a latency falls in. */
export function latencyBucket(latencyMs: number): number {
  for (let index = 0; index < latencyBucketBounds.length; index++) {
    if (latencyMs <= latencyBucketBounds[index]!) return index;
  }
  return latencyBucketBounds.length - 1;
}

export function emptyHistogram(): number[] {
  return new Array<number>(latencyBucketBounds.length).fill(0);
}

/**
 * The latency at percentile `p` (0–1) from bucket counts: the upper bound of the bucket holding
 * that rank, so the answer errs on the slow side by at most one bucket (25 %).
 */
export function histogramPercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let index = 0; index < counts.length; index++) {
    seen += counts[index] ?? 0;
    if (seen >= rank) {
      const bound = latencyBucketBounds[index]!;
      return Number.isFinite(bound) ? bound : latencyBucketBounds[latencyBucketBounds.length - 2]!;
    }
  }
  return null;
}

/** Adds `right` into `left` (same length). */
export function addHistograms(left: number[], right: readonly number[]): number[] {
  for (let index = 0; index < left.length; index++)
    left[index] = (left[index] ?? 0) + (right[index] ?? 0);
  return left;
}
