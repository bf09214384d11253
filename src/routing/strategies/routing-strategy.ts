import type { StrategyName } from '../../core/strategy-name.js';

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
