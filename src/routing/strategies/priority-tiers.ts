/** How one candidate ranks: its tier, its share inside it, and whether it is a channel. */
export interface TierRank {
  priority: number;
  weight: number;
  /** Tiers without channels keep the order they came in (the configured strategy's). */
  weighted: boolean;
}

/**
 * new-api's channel rule: the highest priority tier first; inside a tier, a weighted random
 * order (each draw picks a remaining item with probability weight / sum of weights, so the
 * first is the weighted-random choice and the rest are its fallbacks; weight 0 goes last).
 * Tiers holding no weighted item keep their incoming order, so env/config providers alone are
 * ordered by the configured strategy exactly as before channels existed.
 */
export function orderByPriorityTiers<T>(
  items: readonly T[],
  rank: (item: T) => TierRank,
  random: () => number = Math.random,
): T[] {
  const tiers = new Map<number, T[]>();
  for (const item of items) {
    const { priority } = rank(item);
    const tier = tiers.get(priority) ?? [];
    tier.push(item);
    tiers.set(priority, tier);
  }
  const ordered: T[] = [];
  for (const priority of [...tiers.keys()].sort((left, right) => right - left)) {
    const tier = tiers.get(priority)!;
    if (!tier.some((item) => rank(item).weighted)) {
      ordered.push(...tier);
      continue;
    }
    const remaining = [...tier];
    while (remaining.length > 0) {
      const weights = remaining.map((item) => Math.max(0, rank(item).weight));
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      let index = 0;
      if (total > 0) {
        let draw = random() * total;
        index = weights.findIndex((weight) => (draw -= weight) < 0);
        if (index < 0) index = weights.findLastIndex((weight) => weight > 0);
      }
      ordered.push(remaining.splice(index, 1)[0]!);
    }
  }
  return ordered;
}
