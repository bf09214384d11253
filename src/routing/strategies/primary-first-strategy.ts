import { StrategyName } from '../../core/strategy-name.js';
import type { RoutingStrategy, StrategyCandidate, StrategyContext } from './routing-strategy.js';

/**
 * Sorts candidates into chain order: providers listed in `chain` first, in chain order, then
 * the unlisted ones in their input order. Every other strategy starts from this order and
 * sorts stably, so "ties by chain order" falls out of `Array.prototype.sort` being stable.
 *
 * @example
 * orderByChain([{ providerId: 'a' }, { providerId: 'b' }, { providerId: 'c' }], ['c', 'a']);
 * // → c, a, b
 */
export function orderByChain<T extends { providerId: string }>(
  candidates: readonly T[],
  chain: readonly string[],
): T[] {
  const chainRank = new Map<string, number>();
  chain.forEach((providerId, index) => {
    // A provider listed twice keeps its first (highest-priority) position.
    if (!chainRank.has(providerId)) chainRank.set(providerId, index);
  });
  return candidates
    .map((candidate, index) => ({
      candidate,
      rank: chainRank.get(candidate.providerId) ?? chain.length + index,
    }))
    .sort((left, right) => left.rank - right.rank)
    .map(({ candidate }) => candidate);
}

/**
 * `primary_first` (S3, S5): the primary provider, then the fallbacks in configured order.
 */
export const primaryFirstStrategy: RoutingStrategy = {
  name: StrategyName.primaryFirst,
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[] {
    return orderByChain(candidates, context.chain);
  },
};
