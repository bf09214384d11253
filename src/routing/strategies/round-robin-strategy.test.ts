import { describe, expect, it } from 'vitest';
import { roundRobinStrategy } from './round-robin-strategy.js';
import type { StrategyCandidate, StrategyContext } from './routing-strategy.js';

function candidates(...providerIds: string[]): StrategyCandidate[] {
  return providerIds.map((providerId) => ({ providerId, estimatedCostUsd: 0, qualityScore: 0 }));
}

function context(sequence: number, chain: readonly string[] = []): StrategyContext {
  return {
    stickyKey: 'job-1',
    weights: {},
    chain,
    sequence,
    stats: () => ({ inFlight: 0, successRate: null, p95LatencyMs: null, samples: 0 }),
  };
}

function ids(sequence: number, pool: readonly StrategyCandidate[], chain: readonly string[] = []) {
  return roundRobinStrategy
    .order(pool, context(sequence, chain))
    .map(({ providerId }) => providerId);
}

describe('roundRobinStrategy', () => {
  it('should rotate the chain-ordered list by sequence % n', () => {
    const pool = candidates('c', 'a', 'b');
    const chain = ['a', 'b', 'c'];
    expect(ids(0, pool, chain)).toEqual(['a', 'b', 'c']);
    expect(ids(1, pool, chain)).toEqual(['b', 'c', 'a']);
    expect(ids(2, pool, chain)).toEqual(['c', 'a', 'b']);
    expect(ids(3, pool, chain)).toEqual(['a', 'b', 'c']);
    expect(ids(3_000_000_002, pool, chain)).toEqual(['c', 'a', 'b']);
  });

  it('should start each provider exactly once over n consecutive sequences', () => {
    for (let size = 1; size <= 7; size += 1) {
      const pool = candidates(...Array.from({ length: size }, (_, index) => `p${index}`));
      for (const start of [0, 5, 1_000, -3]) {
        const firsts = Array.from({ length: size }, (_, step) => ids(start + step, pool)[0]);
        expect(new Set(firsts).size).toBe(size);
      }
    }
  });

  it('should rotate negative sequences consistently with positive ones', () => {
    const pool = candidates('a', 'b', 'c');
    expect(ids(-1, pool)).toEqual(ids(2, pool));
    expect(ids(-3, pool)).toEqual(ids(0, pool));
  });

  it('should reject a sequence that is not a safe integer', () => {
    for (const sequence of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => roundRobinStrategy.order(candidates('a'), context(sequence))).toThrow(
        RangeError,
      );
    }
  });
});
