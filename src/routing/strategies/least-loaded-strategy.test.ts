import { describe, expect, it } from 'vitest';
import { leastLoadedStrategy } from './least-loaded-strategy.js';
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

function candidates(...providerIds: string[]): StrategyCandidate[] {
  return providerIds.map((providerId) => ({ providerId, estimatedCostUsd: 0, qualityScore: 0 }));
}

function context(inFlight: Record<string, number>, chain: readonly string[] = []): StrategyContext {
  return {
    stickyKey: 'job-1',
    weights: {},
    chain,
    sequence: 0,
    stats: (providerId) => ({
      inFlight: inFlight[providerId] ?? 0,
      successRate: null,
      p95LatencyMs: null,
      samples: 0,
    }),
  };
}

describe('leastLoadedStrategy', () => {
  it('should put the provider with the fewest requests in flight first', () => {
    const ordered = leastLoadedStrategy.order(
      candidates('fal', 'runware', 'replicate'),
      context({ fal: 7, runware: 2, replicate: 4 }, ['fal', 'runware', 'replicate']),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['runware', 'replicate', 'fal']);
  });

  it('should behave like primary_first when loads are equal', () => {
    const ordered = leastLoadedStrategy.order(
      candidates('c', 'b', 'a', 'd'),
      context({}, ['a', 'b', 'c']),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('should sort by load with chain order inside each load, for random loads', () => {
    const random = mulberry32(3);
    const providers = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let round = 0; round < 2_000; round += 1) {
      const loads = Object.fromEntries(providers.map((id) => [id, Math.floor(random() * 3)]));
      const chain = [...providers].sort(() => random() - 0.5);
      const ordered = leastLoadedStrategy
        .order(candidates(...providers), context(loads, chain))
        .map(({ providerId }) => providerId);
      for (let index = 1; index < ordered.length; index += 1) {
        const previous = ordered[index - 1] ?? '';
        const current = ordered[index] ?? '';
        const difference = (loads[previous] ?? 0) - (loads[current] ?? 0);
        expect(difference).toBeLessThanOrEqual(0);
        if (difference === 0) expect(chain.indexOf(previous)).toBeLessThan(chain.indexOf(current));
      }
    }
  });
});
