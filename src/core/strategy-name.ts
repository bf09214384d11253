/**
 * The names of the routing strategies, as they appear in configuration, the admin API and the
 * CLI. The spelling is seed system S3's (`SERVICE_ROUTING_STRATEGY`), so its settings carry over.
 */
export const StrategyName = {
  weighted: 'weighted',
  primaryFirst: 'primary_first',
  roundRobin: 'round_robin',
  leastLoaded: 'least_loaded',
  costOptimized: 'cost_optimized',
  qualityFocused: 'quality_focused',
  healthBased: 'health_based',
} as const;

/** One of the {@link StrategyName} values. */
export type StrategyName = (typeof StrategyName)[keyof typeof StrategyName];

const strategyNames: ReadonlySet<string> = new Set(Object.values(StrategyName));

/**
 * Whether `value` names a strategy; for narrowing strings read from config or request bodies.
 *
 * @example
 * isStrategyName('round_robin'); // true
 * isStrategyName('fastest'); // false
 */
export function isStrategyName(value: string): value is StrategyName {
  return strategyNames.has(value);
}
