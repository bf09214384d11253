/** Options of a {@link RollingWindow}. */
export interface RollingWindowOptions {
  /** Width of one time bucket in ms: the step in which old data expires. Default 10 s. */
  bucketMs?: number;
  /** How far back the window reaches, in ms; a whole multiple of `bucketMs`. Default 5 min. */
  spanMs?: number;
}

/** What a window holds at one instant. */
export interface WindowSummary {
  /** Outcomes recorded in the window. */
  requests: number;
  /** Failed outcomes in the window. */
  failures: number;
  /** `(requests - failures) / requests`; `null` when there were no requests. */
  successRate: number | null;
  /** Median latency estimated from the histogram (see {@link latencyBucketBoundsMs}). */
  p50LatencyMs: number | null;
  /** 95th-percentile latency estimated from the histogram. */
  p95LatencyMs: number | null;
}

const bucketsPerDoubling = 4;
const smallestBoundMs = 50;
const largestBoundMs = 10 * 60_000;

/**
 * Upper bounds (exclusive) of the latency histogram bins, in ms: 50 ms × 2^(i/4), i.e. four
 * bins per doubling, up to the first bound ≥ 10 min; one more bin below 50 ms and one above the
 * last bound. Resolution: a percentile is reported inside the bin holding the exact
 * (nearest-rank) value, so it is off by at most one bin width, about 19 % of the value between
 * 50 ms and ~11 min, at most 50 ms below that, and never outside the observed min/max.
 */
export const latencyBucketBoundsMs: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let index = 0; ; index += 1) {
    const bound = smallestBoundMs * 2 ** (index / bucketsPerDoubling);
    bounds.push(bound);
    if (bound >= largestBoundMs) return bounds;
  }
})();

const latencyBinCount = latencyBucketBoundsMs.length + 1;

/** Index of the histogram bin a latency falls in (binary search over the bounds). */
function latencyBin(latencyMs: number): number {
  let low = 0;
  let high = latencyBucketBoundsMs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (latencyMs < (latencyBucketBoundsMs[middle] ?? Number.POSITIVE_INFINITY)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The counts of one time bucket; reused in place when the ring wraps around. */
interface TimeBucket {
  /** `floor(time / bucketMs)` of the data held; NaN while never used. */
  epoch: number;
  requests: number;
  failures: number;
  latencyCounts: Float64Array;
  minLatencyMs: number;
  maxLatencyMs: number;
}

function requirePositiveFinite(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`RollingWindow ${name} must be a positive finite number, got ${value}`);
  }
}

/**
 * Request counts and a latency histogram over the last `spanMs`, kept in a ring of
 * `spanMs / bucketMs` time buckets. Memory is fixed at construction whatever the traffic: each
 * bucket holds two counters, a min/max and one count per latency bin.
 *
 * A sample counts for between `spanMs - bucketMs` and `spanMs` after it is recorded (it expires
 * with its bucket). Time is passed in, so tests never sleep. Samples older than the window when
 * they arrive (clock skew between callers) are ignored, as they would already have expired.
 *
 * @example
 * const window = new RollingWindow({ spanMs: 60_000 });
 * window.record(now, true, 1_830);
 * window.summary(now).p95LatencyMs;
 */
export class RollingWindow {
  /** Width of one time bucket in ms. */
  readonly bucketMs: number;
  /** Span of the window in ms. */
  readonly spanMs: number;
  /** Number of time buckets; fixed for the life of the window. */
  readonly bucketCount: number;
  private readonly buckets: TimeBucket[];

  constructor(options: RollingWindowOptions = {}) {
    this.bucketMs = options.bucketMs ?? 10_000;
    this.spanMs = options.spanMs ?? 5 * 60_000;
    requirePositiveFinite('bucketMs', this.bucketMs);
    requirePositiveFinite('spanMs', this.spanMs);
    const bucketCount = this.spanMs / this.bucketMs;
    if (!Number.isInteger(bucketCount)) {
      throw new RangeError(
        `RollingWindow spanMs (${this.spanMs}) must be a whole multiple of bucketMs (${this.bucketMs})`,
      );
    }
    this.bucketCount = bucketCount;
    this.buckets = Array.from({ length: bucketCount }, () => ({
      epoch: Number.NaN,
      requests: 0,
      failures: 0,
      latencyCounts: new Float64Array(latencyBinCount),
      minLatencyMs: Number.POSITIVE_INFINITY,
      maxLatencyMs: Number.NEGATIVE_INFINITY,
    }));
  }

  /**
   * Adds one outcome. Latency counts for failures too: a timeout is latency the user waited.
   *
   * @throws RangeError when `now` is not finite or `latencyMs` is negative or not finite.
   */
  record(now: number, ok: boolean, latencyMs: number): void {
    if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
    if (!Number.isFinite(latencyMs) || latencyMs < 0) {
      throw new RangeError(`latencyMs must be a finite non-negative number, got ${latencyMs}`);
    }
    const epoch = Math.floor(now / this.bucketMs);
    const bucket = this.bucketAt(epoch);
    // The slot already holds a newer bucket: this sample is older than the whole window.
    if (bucket.epoch > epoch) return;
    if (bucket.epoch !== epoch) this.reset(bucket, epoch);
    bucket.requests += 1;
    if (!ok) bucket.failures += 1;
    const bin = latencyBin(latencyMs);
    bucket.latencyCounts[bin] = (bucket.latencyCounts[bin] ?? 0) + 1;
    bucket.minLatencyMs = Math.min(bucket.minLatencyMs, latencyMs);
    bucket.maxLatencyMs = Math.max(bucket.maxLatencyMs, latencyMs);
  }

  /** Counts, success rate and latency percentiles of the outcomes inside the window at `now`. */
  summary(now: number): WindowSummary {
    if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
    const current = Math.floor(now / this.bucketMs);
    const latencyCounts = new Float64Array(latencyBinCount);
    let requests = 0;
    let failures = 0;
    let minLatencyMs = Number.POSITIVE_INFINITY;
    let maxLatencyMs = Number.NEGATIVE_INFINITY;
    for (const bucket of this.buckets) {
      // Live buckets are the last `bucketCount` epochs up to now; later ones are not yet "now".
      if (!(bucket.epoch <= current && bucket.epoch > current - this.bucketCount)) continue;
      requests += bucket.requests;
      failures += bucket.failures;
      bucket.latencyCounts.forEach((count, index) => {
        latencyCounts[index] = (latencyCounts[index] ?? 0) + count;
      });
      minLatencyMs = Math.min(minLatencyMs, bucket.minLatencyMs);
      maxLatencyMs = Math.max(maxLatencyMs, bucket.maxLatencyMs);
    }
    if (requests === 0) {
      return { requests, failures, successRate: null, p50LatencyMs: null, p95LatencyMs: null };
    }
    const percentile = (fraction: number): number =>
      estimatePercentile(latencyCounts, requests, fraction, minLatencyMs, maxLatencyMs);
    return {
      requests,
      failures,
      successRate: (requests - failures) / requests,
      p50LatencyMs: percentile(0.5),
      p95LatencyMs: percentile(0.95),
    };
  }

  private bucketAt(epoch: number): TimeBucket {
    // Non-negative modulo so times before 1970 (only ever in tests) still map to a slot.
    const slot = ((epoch % this.bucketCount) + this.bucketCount) % this.bucketCount;
    return this.buckets[slot] as TimeBucket;
  }

  private reset(bucket: TimeBucket, epoch: number): void {
    bucket.epoch = epoch;
    bucket.requests = 0;
    bucket.failures = 0;
    bucket.latencyCounts.fill(0);
    bucket.minLatencyMs = Number.POSITIVE_INFINITY;
    bucket.maxLatencyMs = Number.NEGATIVE_INFINITY;
  }
}

/**
 * Nearest-rank percentile from the histogram: finds the bin holding the `ceil(fraction × n)`-th
 * smallest latency and interpolates linearly inside it, then clamps to the observed min/max
 * (so constant latencies come back exact and the open-ended top bin stays bounded).
 */
function estimatePercentile(
  latencyCounts: Float64Array,
  total: number,
  fraction: number,
  minLatencyMs: number,
  maxLatencyMs: number,
): number {
  const rank = Math.max(1, Math.ceil(fraction * total));
  let before = 0;
  for (let index = 0; index < latencyCounts.length; index += 1) {
    const count = latencyCounts[index] ?? 0;
    if (before + count >= rank) {
      const lower = index === 0 ? 0 : (latencyBucketBoundsMs[index - 1] ?? 0);
      const upper = latencyBucketBoundsMs[index] ?? maxLatencyMs;
      const estimate = lower + ((upper - lower) * (rank - before)) / count;
      return Math.min(maxLatencyMs, Math.max(minLatencyMs, estimate));
    }
    before += count;
  }
  return maxLatencyMs;
}
