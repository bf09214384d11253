import { describe, expect, it } from 'vitest';
import { orderByPriorityTiers, type TierRank } from './priority-tiers.js';

const rank = (item: { priority: number; weight: number; weighted?: boolean }): TierRank => ({
  priority: item.priority,
  weight: item.weight,
  weighted: item.weighted ?? true,
});

describe('orderByPriorityTiers', () => {
  it('should put the highest priority tier first whatever the weights', () => {
    const items = [
      { id: 'low', priority: 0, weight: 100 },
      { id: 'high', priority: 10, weight: 1 },
    ];
    expect(orderByPriorityTiers(items, rank, () => 0.99).map((item) => item.id)).toEqual([
      'high',
      'low',
    ]);
  });

  it('should pick inside a tier in proportion to weight', () => {
    const items = [
      { id: 'a', priority: 0, weight: 3 },
      { id: 'b', priority: 0, weight: 1 },
    ];
    const first = (draw: number) => orderByPriorityTiers(items, rank, () => draw)[0]!.id;
    expect(first(0)).toBe('a');
    expect(first(0.74)).toBe('a');
    expect(first(0.76)).toBe('b');
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const counts = { a: 0, b: 0 };
    for (let round = 0; round < 4000; round++)
      counts[orderByPriorityTiers(items, rank, random)[0]!.id as 'a' | 'b']++;
    expect(counts.a / 4000).toBeGreaterThan(0.7);
    expect(counts.a / 4000).toBeLessThan(0.8);
  });

  it('should keep the incoming order of a tier without weighted items and put weight 0 last', () => {
    const plain = [
      { id: 'x', priority: 0, weight: 1, weighted: false },
      { id: 'y', priority: 0, weight: 1, weighted: false },
    ];
    expect(orderByPriorityTiers(plain, rank, () => 0.9).map((item) => item.id)).toEqual(['x', 'y']);
    const zero = [
      { id: 'never', priority: 0, weight: 0 },
      { id: 'always', priority: 0, weight: 5 },
    ];
    expect(orderByPriorityTiers(zero, rank, () => 0.999).map((item) => item.id)).toEqual([
      'always',
      'never',
    ]);
  });
});
