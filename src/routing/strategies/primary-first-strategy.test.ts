import { describe, expect, it } from 'vitest';
import { orderByChain, primaryFirstStrategy } from './primary-first-strategy.js';
import type { StrategyContext } from './routing-strategy.js';

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

function context(chain: readonly string[]): StrategyContext {
  return {
    stickyKey: 'job-1',
    weights: {},
    chain,
    sequence: 0,
    stats: () => ({ inFlight: 0, successRate: null, p95LatencyMs: null, samples: 0 }),
  };
}

function ids(providerIds: readonly string[], chain: readonly string[]): string[] {
  const candidates = providerIds.map((providerId) => ({
    providerId,
    estimatedCostUsd: 0,
    qualityScore: 0,
  }));
  return primaryFirstStrategy.order(candidates, context(chain)).map(({ providerId }) => providerId);
}

describe('primaryFirstStrategy', () => {
  it('should put the primary first and the fallbacks in chain order', () => {
    expect(ids(['kie', 'runware', 'replicate'], ['replicate', 'runware', 'kie'])).toEqual([
      'replicate',
      'runware',
      'kie',
    ]);
  });

  it('should put unlisted providers after the chain, in input order', () => {
    expect(ids(['mock', 'fal', 'kie', 'runware'], ['runware', 'fal'])).toEqual([
      'runware',
      'fal',
      'mock',
      'kie',
    ]);
  });

  it('should skip chain entries that are not candidates (filtered out by the router)', () => {
    expect(ids(['kie', 'fal'], ['replicate', 'runware', 'fal'])).toEqual(['fal', 'kie']);
  });

  it('should use the first position of a provider listed twice in the chain', () => {
    expect(ids(['a', 'b'], ['b', 'a', 'b'])).toEqual(['b', 'a']);
  });

  it('should match a reference ordering for random chains and candidate lists', () => {
    const random = mulberry32(42);
    const providers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    for (let round = 0; round < 2_000; round += 1) {
      const candidates = providers.filter(() => random() < 0.6).sort(() => random() - 0.5);
      const chain = providers.filter(() => random() < 0.5).sort(() => random() - 0.5);
      const expected = [
        ...chain.filter((id) => candidates.includes(id)),
        ...candidates.filter((id) => !chain.includes(id)),
      ];
      expect(ids(candidates, chain)).toEqual(expected);
    }
  });

  it('should keep extra fields and object identity (orderByChain is generic)', () => {
    const items = [
      { providerId: 'b', extra: 1 },
      { providerId: 'a', extra: 2 },
    ];
    const ordered = orderByChain(items, ['a']);
    expect(ordered[0]).toBe(items[1]);
    expect(ordered[1]).toBe(items[0]);
  });
});
