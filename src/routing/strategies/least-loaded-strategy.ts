import { orderByChain } from './primary-first-strategy.js';
import { StrategyName } from '../../core/strategy-name.js';
import type { RoutingStrategy, StrategyCandidate, StrategyContext } from './routing-strategy.js';

/**
 * `least_loaded` (S3): fewest requests in flight first; equal loads keep chain order, so an
 * idle gateway behaves like `primary_first`.
 */
export const leastLoadedStrategy: RoutingStrategy = {
  name: StrategyName.leastLoaded,
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[] {
    // Read each provider's figures once: stats() may compute a summary.
    const inFlight = new Map<string, number>();
    for (const candidate of candidates) {
      if (!inFlight.has(candidate.providerId)) {
        inFlight.set(candidate.providerId, context.stats(candidate.providerId).inFlight);
      }
    }
    const load = (candidate: T): number => inFlight.get(candidate.providerId) ?? 0;
    return orderByChain(candidates, context.chain).sort((left, right) => load(left) - load(right));
  },
};
