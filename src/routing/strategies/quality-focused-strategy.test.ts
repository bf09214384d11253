import { describe, expect, it } from 'vitest';
import { qualityFocusedStrategy } from './quality-focused-strategy.js';
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

function candidate(providerId: string, qualityScore: number): StrategyCandidate {
  return { providerId, estimatedCostUsd: 0, qualityScore };
}

describe('qualityFocusedStrategy', () => {
  it('should put the highest quality score first', () => {
    const ordered = qualityFocusedStrategy.order(
      [candidate('runware', 2), candidate('gemini', 3), candidate('mock', 0)],
      context(['runware', 'gemini', 'mock']),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['gemini', 'runware', 'mock']);
  });

  it('should break equal scores by chain order and put an unknown (NaN) score last', () => {
    const ordered = qualityFocusedStrategy.order(
      [candidate('a', Number.NaN), candidate('b', 1), candidate('c', 1), candidate('d', -1)],
      context(['c']),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['c', 'b', 'd', 'a']);
  });

  it('should be sorted by descending score with chain order inside ties, for random scores', () => {
    const random = mulberry32(6);
    const providers = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let round = 0; round < 2_000; round += 1) {
      const pool = providers.map((id) => candidate(id, Math.floor(random() * 3)));
      const chain = [...providers].sort(() => random() - 0.5);
      const ordered = qualityFocusedStrategy.order(pool, context(chain));
      for (let index = 1; index < ordered.length; index += 1) {
        const previous = ordered[index - 1] as StrategyCandidate;
        const current = ordered[index] as StrategyCandidate;
        expect(previous.qualityScore).toBeGreaterThanOrEqual(current.qualityScore);
        if (previous.qualityScore === current.qualityScore) {
          expect(chain.indexOf(previous.providerId)).toBeLessThan(
            chain.indexOf(current.providerId),
          );
        }
      }
    }
  });
});
