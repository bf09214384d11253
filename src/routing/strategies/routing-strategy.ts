/**
 * The names of the routing strategies, as they appear in configuration and in the
 * `POST /motif/services/routing-strategy` compatibility route (S3 spelling).
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

/** A provider able to serve the request. */
export interface StrategyCandidate {
  /** Provider instance id (`fal`, `runware`, …). */
  providerId: string;
  /** Estimated cost of this request on this provider, in USD. */
  estimatedCostUsd: number;
  /** Relative output quality of the offering; higher is better. Any scale, compared only. */
  qualityScore: number;
}

/** Live figures per provider the strategies may use. */
export interface CandidateStats {
  /** Requests currently running on the provider. */
  inFlight: number;
  /** Recent share of successful requests in [0, 1]; `null` when there is no recent data. */
  successRate: number | null;
  /** Recent 95th-percentile latency in ms; `null` when there is no recent data. */
  p95LatencyMs: number | null;
  /** Number of recent requests the figures are computed from. */
  samples: number;
}

/** Everything a strategy may look at besides the candidates themselves. */
export interface StrategyContext {
  /** Stickiness key: the end-user id when known, else the job id (so retries of one job agree). */
  stickyKey: string;
  /** Provider weights (non-negative, any scale; missing provider = weight 0 for `weighted`). */
  weights: Readonly<Record<string, number>>;
  /** Preferred order, primary first (providers not listed come after, in candidate order). */
  chain: readonly string[];
  /** Live figures for a provider (in-flight count, recent success rate and latency). */
  stats(providerId: string): CandidateStats;
  /** Monotonic counter for round robin (the caller increments it per decision). */
  sequence: number;
}

/**
 * Orders the providers able to serve a request. Implementations are pure: the same candidates
 * and context always give the same order, and nothing is read from the clock or the network.
 */
export interface RoutingStrategy {
  /** The strategy's configuration name. */
  readonly name: StrategyName;
  /**
   * Returns every candidate exactly once: the first is the chosen provider, the rest are the
   * fallback order. Never drops or duplicates a candidate and never mutates the input.
   * Generic so the router gets its own richer candidate objects back (same references).
   */
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[];
}
