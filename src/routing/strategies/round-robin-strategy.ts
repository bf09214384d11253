import { orderByChain } from './primary-first-strategy.js';
import { StrategyName } from '../../core/strategy-name.js';
import type { RoutingStrategy, StrategyCandidate, StrategyContext } from './routing-strategy.js';

/**
 * `round_robin` (S3): the chain-ordered list rotated left by `sequence % n`, so consecutive
 * decisions start at consecutive providers and the fallbacks keep their relative chain order.
 *
 * @throws RangeError when `context.sequence` is not a safe integer (a float or a runaway
 * counter would make the rotation silently unfair).
 */
export const roundRobinStrategy: RoutingStrategy = {
  name: StrategyName.roundRobin,
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[] {
    if (!Number.isSafeInteger(context.sequence)) {
      throw new RangeError(`round_robin sequence must be a safe integer, got ${context.sequence}`);
    }
    const ordered = orderByChain(candidates, context.chain);
    if (ordered.length === 0) return ordered;
    // Double modulo keeps negative counters rotating the same way as positive ones.
    const shift = ((context.sequence % ordered.length) + ordered.length) % ordered.length;
    return [...ordered.slice(shift), ...ordered.slice(0, shift)];
  },
};
