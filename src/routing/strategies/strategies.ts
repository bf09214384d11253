import { costOptimizedStrategy } from './cost-optimized-strategy.js';
import { healthBasedStrategy } from './health-based-strategy.js';
import { leastLoadedStrategy } from './least-loaded-strategy.js';
import { primaryFirstStrategy } from './primary-first-strategy.js';
import { qualityFocusedStrategy } from './quality-focused-strategy.js';
import { roundRobinStrategy } from './round-robin-strategy.js';
import { StrategyName } from '../../core/strategy-name.js';
import type { RoutingStrategy } from './routing-strategy.js';
import { weightedStrategy } from './weighted-strategy.js';

/** Every routing strategy by its configuration name. */
export const strategies: Readonly<Record<StrategyName, RoutingStrategy>> = {
  [StrategyName.weighted]: weightedStrategy,
  [StrategyName.primaryFirst]: primaryFirstStrategy,
  [StrategyName.roundRobin]: roundRobinStrategy,
  [StrategyName.leastLoaded]: leastLoadedStrategy,
  [StrategyName.costOptimized]: costOptimizedStrategy,
  [StrategyName.qualityFocused]: qualityFocusedStrategy,
  [StrategyName.healthBased]: healthBasedStrategy,
};

/**
 * The strategy for a name. Narrow untrusted strings with `isStrategyName` (or a zod enum)
 * first; an unknown name here is a programming error.
 *
 * @example
 * getStrategy('cost_optimized').order(candidates, context)[0]; // the cheapest provider
 * @throws RangeError for a name that is not a {@link StrategyName}.
 */
export function getStrategy(name: StrategyName): RoutingStrategy {
  const strategy = Object.hasOwn(strategies, name) ? strategies[name] : undefined;
  if (strategy === undefined) throw new RangeError(`Unknown routing strategy '${String(name)}'`);
  return strategy;
}
