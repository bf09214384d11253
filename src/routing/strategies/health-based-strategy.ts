import { orderByChain } from './primary-first-strategy.js';
import { StrategyName } from '../../core/strategy-name.js';
import type {
  CandidateStats,
  RoutingStrategy,
  StrategyCandidate,
  StrategyContext,
} from './routing-strategy.js';

/** Success rate at or above which a provider with data counts as known-good. */
export const healthySuccessRate = 0.9;

/**
 * Health tiers, best first. A provider without recent data (`successRate: null`) sits between
 * known-good and known-bad: it must not displace a provider proven good, but when the
 * incumbents degrade below {@link healthySuccessRate} traffic should explore it rather than
 * keep hammering a failing provider. Ranking unknown last would also starve it forever, since
 * passive health only learns from traffic that is sent.
 */
const HealthTier = { good: 0, unknown: 1, bad: 2 } as const;
type HealthTier = (typeof HealthTier)[keyof typeof HealthTier];

function tierOf(successRate: number | null): HealthTier {
  if (successRate === null || Number.isNaN(successRate)) return HealthTier.unknown;
  return successRate >= healthySuccessRate ? HealthTier.good : HealthTier.bad;
}

/**
 * `health_based` (S3): ordered by health tier (known-good ≥ 90 % success, then unknown, then
 * known-bad), then by higher recent success rate, then by lower p95 latency (unknown latency
 * after known), then by chain order.
 *
 * @example
 * // fal 99 % / 4 s, runware 99 % / 2 s, replicate no data, kie 60 %:
 * // → runware, fal, replicate, kie
 */
export const healthBasedStrategy: RoutingStrategy = {
  name: StrategyName.healthBased,
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[] {
    const statsByProvider = new Map<string, CandidateStats>();
    const statsOf = (candidate: T): CandidateStats => {
      let stats = statsByProvider.get(candidate.providerId);
      if (stats === undefined) {
        stats = context.stats(candidate.providerId);
        statsByProvider.set(candidate.providerId, stats);
      }
      return stats;
    };
    return orderByChain(candidates, context.chain).sort((left, right) =>
      compareHealth(statsOf(left), statsOf(right)),
    );
  },
};

function compareHealth(left: CandidateStats, right: CandidateStats): number {
  const tierDifference = tierOf(left.successRate) - tierOf(right.successRate);
  if (tierDifference !== 0) return tierDifference;
  const leftRate = left.successRate ?? Number.NaN;
  const rightRate = right.successRate ?? Number.NaN;
  // Same tier: both rates known or both unknown; unknown compare equal.
  if (!Number.isNaN(leftRate) && !Number.isNaN(rightRate) && leftRate !== rightRate) {
    return leftRate > rightRate ? -1 : 1;
  }
  return compareLatency(left.p95LatencyMs, right.p95LatencyMs);
}

/** Ascending, unknown (`null`, or NaN from a broken source) after every known latency. */
function compareLatency(left: number | null, right: number | null): number {
  const leftUnknown = left === null || Number.isNaN(left);
  const rightUnknown = right === null || Number.isNaN(right);
  if (leftUnknown || rightUnknown) return Number(leftUnknown) - Number(rightUnknown);
  return left === right ? 0 : left < right ? -1 : 1;
}
