import { describe, expect, it } from 'vitest';
import { StrategyName, isStrategyName } from '../../core/strategy-name.js';
import type { CandidateStats, StrategyCandidate, StrategyContext } from './routing-strategy.js';
import { getStrategy, strategies } from './strategies.js';

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

interface Scenario {
  candidates: StrategyCandidate[];
  context: StrategyContext;
}

/** A random scenario with repeated costs/scores/loads so ties are common. */
function randomScenario(random: () => number): Scenario {
  const providers = ['fal', 'runware', 'replicate', 'aimlapi', 'kie', 'mock'];
  const pick = (): string => providers[Math.floor(random() * providers.length)] ?? 'fal';
  const count = Math.floor(random() * 7);
  const candidates = Array.from({ length: count }, () => ({
    providerId: pick(),
    estimatedCostUsd: Math.floor(random() * 4) / 10,
    qualityScore: Math.floor(random() * 3),
  }));
  const stats = new Map<string, CandidateStats>(
    providers.map((id) => {
      const samples = Math.floor(random() * 3) * 10;
      return [
        id,
        {
          inFlight: Math.floor(random() * 3),
          successRate: samples === 0 ? null : Math.floor(random() * 11) / 10,
          p95LatencyMs: samples === 0 || random() < 0.2 ? null : Math.floor(random() * 3) * 1000,
          samples,
        },
      ];
    }),
  );
  const weights = Object.fromEntries(
    providers.filter(() => random() < 0.7).map((id) => [id, Math.floor(random() * 3)]),
  );
  const chain = providers.filter(() => random() < 0.5).sort(() => random() - 0.5);
  return {
    candidates,
    context: {
      stickyKey: `user-${Math.floor(random() * 1e9)}`,
      weights,
      chain,
      sequence: Math.floor(random() * 100) - 20,
      stats: (providerId) =>
        stats.get(providerId) ?? { inFlight: 0, successRate: null, p95LatencyMs: null, samples: 0 },
    },
  };
}

describe('strategies', () => {
  it('should register every strategy under its own name', () => {
    expect(Object.keys(strategies).sort()).toEqual(Object.values(StrategyName).sort());
    for (const name of Object.values(StrategyName)) {
      expect(strategies[name].name).toBe(name);
      expect(getStrategy(name)).toBe(strategies[name]);
    }
  });

  it('should reject an unknown name at runtime', () => {
    expect(() => getStrategy('fastest' as StrategyName)).toThrow(RangeError);
    expect(() => getStrategy('toString' as StrategyName)).toThrow(RangeError);
  });

  it('should narrow strings with isStrategyName', () => {
    expect(isStrategyName('health_based')).toBe(true);
    expect(isStrategyName('healthBased')).toBe(false);
    expect(isStrategyName('constructor')).toBe(false);
  });

  for (const name of Object.values(StrategyName)) {
    it(`should make ${name} return every candidate once, deterministically, without mutating`, () => {
      const random = mulberry32(name.length * 7919);
      for (let round = 0; round < 1_000; round += 1) {
        const { candidates, context } = randomScenario(random);
        const input = [...candidates];
        const ordered = getStrategy(name).order(candidates, context);
        expect(candidates).toEqual(input);
        expect(ordered).toHaveLength(candidates.length);
        expect(new Set(ordered).size).toBe(candidates.length);
        expect(ordered.every((candidate) => candidates.includes(candidate))).toBe(true);
        expect(getStrategy(name).order(candidates, context)).toEqual(ordered);
      }
    });
  }

  it('should return an empty list for no candidates', () => {
    const { context } = randomScenario(mulberry32(1));
    for (const strategy of Object.values(strategies)) {
      expect(strategy.order([], context)).toEqual([]);
    }
  });
});
