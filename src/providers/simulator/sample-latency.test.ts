import { describe, expect, it } from 'vitest';
import { sampleLatency } from './sample-latency.js';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('sampleLatency', () => {
  it('should have the configured median and 95th percentile', () => {
    const random = seeded(42);
    const samples = Array.from({ length: 20_000 }, () => sampleLatency(1000, 4000, random)).sort(
      (a, b) => a - b,
    );
    const p50 = samples[Math.floor(samples.length * 0.5)]!;
    const p95 = samples[Math.floor(samples.length * 0.95)]!;
    expect(p50).toBeGreaterThan(930);
    expect(p50).toBeLessThan(1070);
    expect(p95).toBeGreaterThan(3600);
    expect(p95).toBeLessThan(4400);
  });

  it('should be constant when p95 equals p50', () => {
    expect(sampleLatency(500, 500, seeded(1))).toBe(500);
  });
});
