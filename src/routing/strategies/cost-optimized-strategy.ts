import { orderByChain } from './primary-first-strategy.js';
import { StrategyName } from '../../core/strategy-name.js';
import type { RoutingStrategy, StrategyCandidate, StrategyContext } from './routing-strategy.js';

/**
 * `cost_optimized` (S3, S5 "cheapest first"): lowest `estimatedCostUsd` first; equal costs keep
 * chain order. A cost that is not a number (NaN) is unknown and goes after every known cost,
 * rather than making the comparison inconsistent.
 */
export const costOptimizedStrategy: RoutingStrategy = {
  name: StrategyName.costOptimized,
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[] {
    return orderByChain(candidates, context.chain).sort((left, right) =>
      compareUnknownLast(left.estimatedCostUsd, right.estimatedCostUsd),
    );
  },
};

/** Ascending, with NaN after every number and equal to other NaNs. */
function compareUnknownLast(left: number, right: number): number {
  if (Number.isNaN(left) || Number.isNaN(right)) {
    return Number(Number.isNaN(left)) - Number(Number.isNaN(right));
  }
  return left === right ? 0 : left < right ? -1 : 1;
}
