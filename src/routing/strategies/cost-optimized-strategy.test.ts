import { describe, expect, it } from 'vitest';
import { costOptimizedStrategy } from './cost-optimized-strategy.js';
import type { StrategyCandidate, StrategyContext } from './routing-strategy.js';

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

function context(chain: readonly string[] = []): StrategyContext {
  return {
    stickyKey: 'job-1',
    weights: {},
    chain,
    sequence: 0,
    stats: () => ({ inFlight: 0, successRate: null, p95LatencyMs: null, samples: 0 }),
  };
}

function candidate(providerId: string, estimatedCostUsd: number): StrategyCandidate {
  return { providerId, estimatedCostUsd, qualityScore: 0 };
}

describe('costOptimizedStrategy', () => {
  it('should put the cheapest provider first (S5 catalog: 5 s video)', () => {
    const ordered = costOptimizedStrategy.order(
      [candidate('replicate', 0.25), candidate('runware', 0.2), candidate('aimlapi', 0.49)],
      context(['replicate', 'runware', 'aimlapi']),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual([
      'runware',
      'replicate',
      'aimlapi',
    ]);
  });

  it('should break equal costs by chain order', () => {
    const ordered = costOptimizedStrategy.order(
      [candidate('a', 0.1), candidate('b', 0.1), candidate('c', 0.05)],
      context(['b', 'a']),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['c', 'b', 'a']);
  });

  it('should put an unknown (NaN) cost after every known cost', () => {
    const ordered = costOptimizedStrategy.order(
      [candidate('a', Number.NaN), candidate('b', 9), candidate('c', Number.POSITIVE_INFINITY)],
      context(),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['b', 'c', 'a']);
  });

  it('should be sorted by cost with chain order inside equal costs, for random costs', () => {
    const random = mulberry32(5);
    const providers = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let round = 0; round < 2_000; round += 1) {
      const pool = providers.map((id) => candidate(id, Math.floor(random() * 4) * 0.05));
      const chain = [...providers].sort(() => random() - 0.5);
      const ordered = costOptimizedStrategy.order(pool, context(chain));
      for (let index = 1; index < ordered.length; index += 1) {
        const previous = ordered[index - 1] as StrategyCandidate;
        const current = ordered[index] as StrategyCandidate;
        expect(previous.estimatedCostUsd).toBeLessThanOrEqual(current.estimatedCostUsd);
        if (previous.estimatedCostUsd === current.estimatedCostUsd) {
          expect(chain.indexOf(previous.providerId)).toBeLessThan(
            chain.indexOf(current.providerId),
          );
        }
      }
    }
  });
});
