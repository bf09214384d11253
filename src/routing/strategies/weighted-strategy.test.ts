import { describe, expect, it } from 'vitest';
import type { StrategyCandidate, StrategyContext } from './routing-strategy.js';
import { rendezvousScore, weightedStrategy } from './weighted-strategy.js';

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

function randomKeys(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => `user-${Math.floor(random() * 2 ** 40).toString(36)}`);
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

function candidates(...providerIds: string[]): StrategyCandidate[] {
  return providerIds.map((providerId) => ({ providerId, estimatedCostUsd: 0.1, qualityScore: 1 }));
}

function context(
  stickyKey: string,
  weights: Record<string, number>,
  chain: readonly string[] = [],
): StrategyContext {
  return {
    stickyKey,
    weights,
    chain,
    sequence: 0,
    stats: () => ({ inFlight: 0, successRate: null, p95LatencyMs: null, samples: 0 }),
  };
}

function chosen(
  keys: readonly string[],
  pool: readonly StrategyCandidate[],
  weights: Record<string, number>,
): string[] {
  return keys.map(
    (key) => weightedStrategy.order(pool, context(key, weights))[0]?.providerId ?? '',
  );
}

function shares(choices: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const choice of choices) counts.set(choice, (counts.get(choice) ?? 0) + 1);
  return new Map([...counts].map(([provider, count]) => [provider, count / choices.length]));
}

describe('weightedStrategy', () => {
  it('should keep a key on its provider while weights are unchanged, whatever the input order', () => {
    const random = mulberry32(1);
    const pool = candidates('fal', 'runware', 'replicate', 'kie');
    const weights = { fal: 5, runware: 3, replicate: 1, kie: 1 };
    for (const key of randomKeys(2_000, 2)) {
      const first = weightedStrategy.order(pool, context(key, weights))[0]?.providerId;
      const again = weightedStrategy.order(
        shuffled(pool, random),
        context(key, weights, shuffled(['fal', 'runware', 'replicate', 'kie'], random)),
      );
      expect(again[0]?.providerId).toBe(first);
    }
  });

  it('should split 10,000 keys at 90/10 within ±1.5 percentage points', () => {
    const split = shares(
      chosen(randomKeys(10_000, 3), candidates('fal', 'runware'), { fal: 0.9, runware: 0.1 }),
    );
    expect(Math.abs((split.get('fal') ?? 0) - 0.9)).toBeLessThanOrEqual(0.015);
    expect(Math.abs((split.get('runware') ?? 0) - 0.1)).toBeLessThanOrEqual(0.015);
  });

  it('should match random weights over four providers within ±1.5 percentage points', () => {
    const random = mulberry32(4);
    const pool = candidates('a', 'b', 'c', 'd');
    for (let round = 0; round < 5; round += 1) {
      const weights = { a: random() * 10, b: random() * 10, c: random(), d: random() * 100 };
      const total = weights.a + weights.b + weights.c + weights.d;
      const split = shares(chosen(randomKeys(10_000, 100 + round), pool, weights));
      for (const provider of ['a', 'b', 'c', 'd'] as const) {
        expect(
          Math.abs((split.get(provider) ?? 0) - weights[provider] / total),
        ).toBeLessThanOrEqual(0.015);
      }
    }
  });

  it('should treat weights as relative: 0.9/0.1, 90/10 and 9/1 choose the same providers', () => {
    const keys = randomKeys(5_000, 5);
    const pool = candidates('fal', 'runware');
    const fractions = chosen(keys, pool, { fal: 0.9, runware: 0.1 });
    expect(chosen(keys, pool, { fal: 90, runware: 10 })).toEqual(fractions);
    expect(chosen(keys, pool, { fal: 9, runware: 1 })).toEqual(fractions);
  });

  it('should only move keys into runware when the rollout goes from 90/10 to 50/50', () => {
    const keys = randomKeys(10_000, 6);
    const pool = candidates('fal', 'runware');
    const before = chosen(keys, pool, { fal: 0.9, runware: 0.1 });
    const after = chosen(keys, pool, { fal: 0.5, runware: 0.5 });
    keys.forEach((_, index) => {
      if (before[index] === 'runware') expect(after[index]).toBe('runware');
    });
    expect(Math.abs((shares(after).get('runware') ?? 0) - 0.5)).toBeLessThanOrEqual(0.015);
  });

  it('should only move keys into a canary raised from 10 % to 50 % among four providers', () => {
    const keys = randomKeys(10_000, 7);
    const pool = candidates('a', 'b', 'c', 'canary');
    const before = chosen(keys, pool, { a: 30, b: 30, c: 30, canary: 10 });
    const after = chosen(keys, pool, { a: 30, b: 30, c: 30, canary: 90 });
    let moved = 0;
    keys.forEach((_, index) => {
      if (before[index] !== after[index]) {
        moved += 1;
        expect(after[index]).toBe('canary');
      }
    });
    expect(moved).toBeGreaterThan(3_000);
    expect(Math.abs((shares(after).get('canary') ?? 0) - 0.5)).toBeLessThanOrEqual(0.015);
  });

  it('should only move keys into the provider whose weight rises, for random weights', () => {
    const random = mulberry32(8);
    const providers = ['a', 'b', 'c', 'd'];
    const pool = candidates(...providers);
    const keys = randomKeys(1_000, 9);
    for (let round = 0; round < 30; round += 1) {
      const weights = Object.fromEntries(providers.map((id) => [id, random() * 10]));
      const raised = providers[Math.floor(random() * providers.length)] ?? 'a';
      const raisedWeights = { ...weights, [raised]: (weights[raised] ?? 0) * (1 + random() * 9) };
      const before = chosen(keys, pool, weights);
      const after = chosen(keys, pool, raisedWeights);
      keys.forEach((_, index) => {
        if (before[index] !== after[index]) expect(after[index]).toBe(raised);
      });
    }
  });

  it('should only move the keys of a candidate that is removed', () => {
    const keys = randomKeys(5_000, 10);
    const weights = { a: 1, b: 2, c: 3 };
    const before = chosen(keys, candidates('a', 'b', 'c'), weights);
    const after = chosen(keys, candidates('a', 'c'), weights);
    keys.forEach((_, index) => {
      if (before[index] !== 'b') expect(after[index]).toBe(before[index]);
    });
  });

  it('should never choose a weight-0 or unlisted provider first while another has weight', () => {
    const random = mulberry32(11);
    const providers = ['a', 'b', 'c', 'd', 'e'];
    for (let round = 0; round < 2_000; round += 1) {
      const weights: Record<string, number> = {};
      for (const provider of providers) {
        const draw = random();
        if (draw < 0.3) weights[provider] = 0;
        else if (draw < 0.8) weights[provider] = random() * 5;
      }
      const ordered = weightedStrategy.order(
        candidates(...shuffled(providers, random)),
        context(`key-${round}`, weights, shuffled(providers, random)),
      );
      const first = ordered[0]?.providerId ?? '';
      if (providers.some((provider) => (weights[provider] ?? 0) > 0)) {
        expect(weights[first]).toBeGreaterThan(0);
      }
    }
  });

  it('should fall back to chain order when every candidate has weight 0', () => {
    const ordered = weightedStrategy.order(
      candidates('a', 'b', 'c', 'd'),
      context('user-1', { a: 0, c: 0 }, ['c', 'b']),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('should order fallbacks by score, then weight-0 providers in chain order', () => {
    const random = mulberry32(12);
    const providers = ['a', 'b', 'c', 'd', 'e', 'f'];
    const weights = { a: 1, b: 0, c: 4, d: 0, e: 2 };
    const chain = ['d', 'b', 'a'];
    for (const key of randomKeys(500, 13)) {
      const ordered = weightedStrategy
        .order(candidates(...shuffled(providers, random)), context(key, weights, chain))
        .map(({ providerId }) => providerId);
      const positive = (['a', 'c', 'e'] as const)
        .map((id) => ({ id, score: rendezvousScore(key, id, weights[id]) }))
        .sort((left, right) => left.score - right.score)
        .map(({ id }) => id);
      expect(ordered).toEqual([...positive, 'd', 'b', 'f']);
    }
  });

  it('should return every candidate once without mutating the input', () => {
    const pool = candidates('a', 'b', 'c');
    const snapshot = [...pool];
    const ordered = weightedStrategy.order(pool, context('user-1', { a: 1, b: 1 }));
    expect(pool).toEqual(snapshot);
    expect([...ordered].sort((l, r) => l.providerId.localeCompare(r.providerId))).toEqual(pool);
    expect(ordered.every((candidate) => pool.includes(candidate))).toBe(true);
  });

  it('should reject weights that are negative, NaN or infinite', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() =>
        weightedStrategy.order(candidates('a', 'b'), context('user-1', { a: 1, b: bad })),
      ).toThrow(RangeError);
    }
  });

  it('should read only own weights, so a provider named constructor has weight 0', () => {
    const ordered = weightedStrategy.order(
      candidates('constructor', 'fal'),
      context('user-1', { fal: 1 }),
    );
    expect(ordered.map(({ providerId }) => providerId)).toEqual(['fal', 'constructor']);
  });

  it('should give scores that are positive and finite for any key', () => {
    for (const key of [...randomKeys(1_000, 14), '', '\0', 'ключ-😀']) {
      const score = rendezvousScore(key, 'fal', 0.1);
      expect(score).toBeGreaterThan(0);
      expect(Number.isFinite(score)).toBe(true);
    }
  });
});
