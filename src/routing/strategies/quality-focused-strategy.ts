import { orderByChain } from './primary-first-strategy.js';
import { StrategyName } from '../../core/strategy-name.js';
import type { RoutingStrategy, StrategyCandidate, StrategyContext } from './routing-strategy.js';

/**
 * `quality_focused` (S3): highest `qualityScore` first; equal scores keep chain order. A score
 * that is not a number (NaN) is unknown and goes after every known score.
 */
export const qualityFocusedStrategy: RoutingStrategy = {
  name: StrategyName.qualityFocused,
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[] {
    return orderByChain(candidates, context.chain).sort((left, right) =>
      compareDescendingUnknownLast(left.qualityScore, right.qualityScore),
    );
  },
};

/** Descending, with NaN after every number and equal to other NaNs. */
function compareDescendingUnknownLast(left: number, right: number): number {
  if (Number.isNaN(left) || Number.isNaN(right)) {
    return Number(Number.isNaN(left)) - Number(Number.isNaN(right));
  }
  return left === right ? 0 : left > right ? -1 : 1;
}
