import { describe, expect, it } from 'vitest';
import { healthBasedStrategy, healthySuccessRate } from './health-based-strategy.js';
import type { CandidateStats, StrategyCandidate, StrategyContext } from './routing-strategy.js';

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

const noData: CandidateStats = { inFlight: 0, successRate: null, p95LatencyMs: null, samples: 0 };

function stats(successRate: number | null, p95LatencyMs: number | null): CandidateStats {
  return { inFlight: 0, successRate, p95LatencyMs, samples: successRate === null ? 0 : 50 };
}

function candidates(...providerIds: string[]): StrategyCandidate[] {
  return providerIds.map((providerId) => ({ providerId, estimatedCostUsd: 0, qualityScore: 0 }));
}

function ids(
  byProvider: Record<string, CandidateStats>,
  providerIds: readonly string[],
  chain: readonly string[] = [],
): string[] {
  const context: StrategyContext = {
    stickyKey: 'job-1',
    weights: {},
    chain,
    sequence: 0,
    stats: (providerId) => byProvider[providerId] ?? noData,
  };
  return healthBasedStrategy
    .order(candidates(...providerIds), context)
    .map(({ providerId }) => providerId);
}

/** 0 known-good, 1 unknown, 2 known-bad: the documented ranking. */
function tier(successRate: number | null): number {
  if (successRate === null) return 1;
  return successRate >= healthySuccessRate ? 0 : 2;
}

describe('healthBasedStrategy', () => {
  it('should rank known-good, then unknown, then known-bad providers', () => {
    const byProvider = {
      fal: stats(0.99, 4_000),
      runware: stats(0.99, 2_000),
      replicate: stats(null, null),
      kie: stats(0.6, 500),
    };
    expect(ids(byProvider, ['kie', 'replicate', 'fal', 'runware'])).toEqual([
      'runware',
      'fal',
      'replicate',
      'kie',
    ]);
  });

  it('should count exactly 90 % success as known-good', () => {
    expect(ids({ a: stats(0.9, 9_000), b: stats(null, null) }, ['b', 'a'])).toEqual(['a', 'b']);
    expect(ids({ a: stats(0.89, 100), b: stats(null, null) }, ['a', 'b'])).toEqual(['b', 'a']);
  });

  it('should prefer a higher success rate over a lower latency inside a tier', () => {
    expect(ids({ a: stats(0.95, 100), b: stats(1, 5_000) }, ['a', 'b'])).toEqual(['b', 'a']);
    expect(ids({ a: stats(0.2, 100), b: stats(0.5, 5_000) }, ['a', 'b'])).toEqual(['b', 'a']);
  });

  it('should put unknown latency after known latency at the same success rate', () => {
    expect(ids({ a: stats(1, null), b: stats(1, 9_000) }, ['a', 'b'])).toEqual(['b', 'a']);
  });

  it('should order providers without data by chain order', () => {
    expect(ids({}, ['a', 'b', 'c'], ['c', 'a'])).toEqual(['c', 'a', 'b']);
  });

  it('should ask for each provider figures once per decision', () => {
    let calls = 0;
    const context: StrategyContext = {
      stickyKey: 'job-1',
      weights: {},
      chain: [],
      sequence: 0,
      stats: () => {
        calls += 1;
        return noData;
      },
    };
    healthBasedStrategy.order(candidates('a', 'b', 'c', 'd', 'e'), context);
    expect(calls).toBe(5);
  });

  it('should respect tier, rate, latency and chain order for random figures', () => {
    const random = mulberry32(7);
    const providers = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let round = 0; round < 2_000; round += 1) {
      const byProvider = Object.fromEntries(
        providers.map((id) => {
          const known = random() < 0.7;
          const rate = known ? ([0.5, 0.85, 0.9, 0.97, 1][Math.floor(random() * 5)] ?? 1) : null;
          const latency = known && random() < 0.8 ? Math.floor(random() * 3) * 1_000 : null;
          return [id, stats(rate, latency)];
        }),
      );
      const chain = [...providers].sort(() => random() - 0.5);
      const ordered = ids(byProvider, providers, chain);
      const key = (id: string): number[] => {
        const figures = byProvider[id] ?? noData;
        return [
          tier(figures.successRate),
          -(figures.successRate ?? 0),
          figures.p95LatencyMs ?? Number.POSITIVE_INFINITY,
          chain.indexOf(id),
        ];
      };
      const expected = [...providers].sort((left, right) => {
        const leftKey = key(left);
        const rightKey = key(right);
        for (let index = 0; index < leftKey.length; index += 1) {
          const difference = (leftKey[index] ?? 0) - (rightKey[index] ?? 0);
          if (difference !== 0 && !Number.isNaN(difference)) return difference;
        }
        return 0;
      });
      expect(ordered).toEqual(expected);
    }
  });
});
