import { describe, expect, it } from 'vitest';
import { RollingWindow, latencyBucketBoundsMs } from './rolling-window.js';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A log-normal latency around `medianMs`, the usual shape of generation latencies. */
function logNormal(random: () => number, medianMs: number, sigma: number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * normal);
}

function nearestRank(sorted: readonly number[], fraction: number): number {
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1] ?? Number.NaN;
}

/** Width of the histogram bin holding `latencyMs` (the top bin ends at the largest sample). */
function binWidth(latencyMs: number, maxMs: number): number {
  const index = latencyBucketBoundsMs.findIndex((bound) => latencyMs < bound);
  if (index === -1) return maxMs - (latencyBucketBoundsMs.at(-1) ?? 0);
  return (
    (latencyBucketBoundsMs[index] ?? 0) -
    (index === 0 ? 0 : (latencyBucketBoundsMs[index - 1] ?? 0))
  );
}

describe('RollingWindow', () => {
  it('should report nothing before the first record', () => {
    expect(new RollingWindow().summary(1_000)).toEqual({
      requests: 0,
      failures: 0,
      successRate: null,
      p50LatencyMs: null,
      p95LatencyMs: null,
    });
  });

  it('should count requests, failures and the success rate', () => {
    const window = new RollingWindow();
    for (let index = 0; index < 50; index += 1) window.record(1_000 + index, index % 10 !== 0, 800);
    const summary = window.summary(2_000);
    expect(summary.requests).toBe(50);
    expect(summary.failures).toBe(5);
    expect(summary.successRate).toBe(0.9);
  });

  it('should expire a sample with its bucket, span after the bucket started', () => {
    const window = new RollingWindow({ bucketMs: 10_000, spanMs: 300_000 });
    window.record(0, false, 100);
    window.record(9_999, true, 100);
    expect(window.summary(299_999).requests).toBe(2);
    expect(window.summary(300_000).requests).toBe(0);
    expect(window.summary(300_000).successRate).toBeNull();
  });

  it('should count exactly the samples of the last span on random timelines', () => {
    const random = mulberry32(1);
    for (let round = 0; round < 50; round += 1) {
      const bucketMs = [1_000, 5_000, 10_000][round % 3] ?? 10_000;
      const window = new RollingWindow({ bucketMs, spanMs: bucketMs * (1 + (round % 12)) });
      const samples: Array<{ at: number; ok: boolean }> = [];
      let now = Math.floor(random() * 1e9);
      for (let step = 0; step < 400; step += 1) {
        now += Math.floor(random() * random() * bucketMs * 3);
        const ok = random() < 0.8;
        window.record(now, ok, random() * 5_000);
        samples.push({ at: now, ok });
        if (step % 20 === 0) {
          const current = Math.floor(now / bucketMs);
          const live = samples.map(
            ({ at }) => current - Math.floor(at / bucketMs) < window.bucketCount,
          );
          const summary = window.summary(now);
          expect(summary.requests).toBe(live.filter(Boolean).length);
          expect(summary.failures).toBe(
            samples.filter(({ ok: success }, index) => live[index] && !success).length,
          );
          const misplaced = samples.filter(({ at }, index) => {
            const age = now - at;
            return (
              (age < window.spanMs - bucketMs && !live[index]) ||
              (age >= window.spanMs && live[index])
            );
          });
          expect(misplaced).toEqual([]);
        }
      }
    }
  });

  it('should estimate percentiles within one histogram bin of the exact value', () => {
    const random = mulberry32(2);
    for (let round = 0; round < 200; round += 1) {
      const window = new RollingWindow();
      const count = 1 + Math.floor(random() * 3_000);
      const median = [30, 400, 2_000, 8_000, 90_000, 700_000][round % 6] ?? 2_000;
      const latencies = Array.from({ length: count }, () =>
        logNormal(random, median, 0.1 + random()),
      );
      latencies.forEach((latency, index) => window.record(1_000_000 + index, true, latency));
      const sorted = [...latencies].sort((left, right) => left - right);
      const max = sorted.at(-1) ?? 0;
      const summary = window.summary(1_000_000 + count);
      for (const [fraction, estimate] of [
        [0.5, summary.p50LatencyMs],
        [0.95, summary.p95LatencyMs],
      ] as const) {
        const exact = nearestRank(sorted, fraction);
        expect(estimate).not.toBeNull();
        expect(Math.abs((estimate ?? 0) - exact)).toBeLessThanOrEqual(binWidth(exact, max) + 1e-9);
        expect(estimate).toBeGreaterThanOrEqual(sorted[0] ?? 0);
        expect(estimate).toBeLessThanOrEqual(max);
      }
    }
  });

  it('should return constant latencies exactly', () => {
    const window = new RollingWindow();
    for (let index = 0; index < 100; index += 1) window.record(index, true, 1_234);
    expect(window.summary(100)).toMatchObject({ p50LatencyMs: 1_234, p95LatencyMs: 1_234 });
  });

  it('should space the latency bins four per doubling from 50 ms to at least 10 min', () => {
    expect(latencyBucketBoundsMs[0]).toBe(50);
    expect(latencyBucketBoundsMs.at(-1)).toBeGreaterThanOrEqual(600_000);
    expect(latencyBucketBoundsMs.at(-2)).toBeLessThan(600_000);
    for (let index = 1; index < latencyBucketBoundsMs.length; index += 1) {
      const ratio = (latencyBucketBoundsMs[index] ?? 0) / (latencyBucketBoundsMs[index - 1] ?? 1);
      expect(ratio).toBeCloseTo(2 ** 0.25, 10);
    }
  });

  it('should keep a late sample still inside the window and ignore one older than it', () => {
    const window = new RollingWindow({ bucketMs: 1_000, spanMs: 10_000 });
    window.record(20_000, true, 100);
    window.record(15_500, false, 100);
    window.record(9_000, false, 100);
    expect(window.summary(20_000)).toMatchObject({ requests: 2, failures: 1 });
  });

  it('should not count samples recorded after the instant asked about', () => {
    const window = new RollingWindow({ bucketMs: 1_000, spanMs: 10_000 });
    window.record(5_000, true, 100);
    window.record(8_000, true, 100);
    expect(window.summary(6_000).requests).toBe(1);
  });

  it('should keep the same fixed storage through 1e6 records', () => {
    const window = new RollingWindow({ bucketMs: 10_000, spanMs: 300_000 });
    const storage = (): number[] =>
      (window as unknown as { buckets: Array<{ latencyCounts: Float64Array }> }).buckets.map(
        (bucket) => bucket.latencyCounts.length,
      );
    const before = storage();
    const random = mulberry32(3);
    for (let index = 0; index < 1_000_000; index += 1) {
      // 1e6 records over ~1 hour: the ring wraps around many times.
      window.record(index * 3.6, random() < 0.99, random() * 20_000);
    }
    expect(storage()).toEqual(before);
    expect(before).toHaveLength(30);
    expect(window.bucketCount).toBe(30);
    const summary = window.summary(3_600_000);
    // The last 30 buckets of 10 s hold the records of the last 300 s: 300_000 / 3.6.
    expect(summary.requests).toBeGreaterThan(80_000);
    expect(summary.requests).toBeLessThan(84_000);
  });

  it('should reject invalid options and inputs', () => {
    expect(() => new RollingWindow({ bucketMs: 0 })).toThrow(RangeError);
    expect(() => new RollingWindow({ spanMs: Number.NaN })).toThrow(RangeError);
    expect(() => new RollingWindow({ bucketMs: 7_000, spanMs: 60_000 })).toThrow(RangeError);
    const window = new RollingWindow();
    expect(() => window.record(0, true, -1)).toThrow(RangeError);
    expect(() => window.record(0, true, Number.NaN)).toThrow(RangeError);
    expect(() => window.record(Number.POSITIVE_INFINITY, true, 1)).toThrow(RangeError);
    expect(() => window.summary(Number.NaN)).toThrow(RangeError);
  });
});
