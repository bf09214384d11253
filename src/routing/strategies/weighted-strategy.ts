import { createHash } from 'node:crypto';
import { orderByChain } from './primary-first-strategy.js';
import { StrategyName } from '../../core/strategy-name.js';
import type { RoutingStrategy, StrategyCandidate, StrategyContext } from './routing-strategy.js';

/**
 * Maps (stickyKey, providerId) to a uniform value strictly inside (0, 1). SHA-256 rather than
 * a hand-rolled fast hash: it is well distributed for short, similar keys (`user-1`,
 * `user-2`), costs about a microsecond, and anyone can recompute a user's assignment in SQL or
 * Python when checking a rollout split.
 */
function stickyUniform(stickyKey: string, providerId: string): number {
  const digest = createHash('sha256').update(`${stickyKey}\0${providerId}`, 'utf8').digest();
  // 52 bits (32 + 20) so that `x + 0.5` is exact and the result never rounds to 0 or 1.
  const bits = digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12);
  return (bits + 0.5) / 2 ** 52;
}

/**
 * Weighted rendezvous (highest-random-weight) score of a provider for a key: `-ln(u) / weight`
 * with `u` a stable hash of the pair in (0, 1). The lowest score wins. Because each score is
 * an exponential variable with rate `weight`, a provider wins with probability
 * `weight / Σ weights`, and changing one provider's weight only changes that provider's score.
 *
 * @example
 * rendezvousScore('user-42', 'fal', 0.9) < rendezvousScore('user-42', 'runware', 0.1);
 */
export function rendezvousScore(stickyKey: string, providerId: string, weight: number): number {
  return -Math.log(stickyUniform(stickyKey, providerId)) / weight;
}

/** The configured weight of a provider; missing means 0. Rejects values that are not weights. */
function weightOf(weights: Readonly<Record<string, number>>, providerId: string): number {
  // Own properties only: a provider called `constructor` must not read Object.prototype.
  const weight = Object.hasOwn(weights, providerId) ? weights[providerId] : 0;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    // Config parsing should have caught it; refusing beats guessing what was meant.
    throw new RangeError(
      `Weight of provider '${providerId}' must be a finite non-negative number, got ${String(weight)}`,
    );
  }
  return weight;
}

/**
 * `weighted` (S2): a random split by weight that is sticky per `stickyKey`, via weighted
 * rendezvous hashing. Properties the rollout relies on:
 *
 * - the same key gets the same provider while weights are unchanged, whatever the candidate
 *   order or the chain;
 * - over many keys the share per provider matches `weight / Σ weights` (weights are relative:
 *   `0.9/0.1`, `90/10` and `9/1` are the same split);
 * - raising one provider's weight (canary 10 % → 50 %) only moves keys into it, never out of it
 *   or between the others; removing a candidate (open breaker) only moves its own keys;
 * - a provider with weight 0 is never first unless every candidate has weight 0.
 *
 * Order: weight > 0 candidates by score (ties in chain order), then weight-0 candidates in chain
 * order, so with all weights 0 this is `primary_first`.
 *
 * @throws RangeError when a candidate's weight is negative, NaN or infinite.
 */
export const weightedStrategy: RoutingStrategy = {
  name: StrategyName.weighted,
  order<T extends StrategyCandidate>(candidates: readonly T[], context: StrategyContext): T[] {
    const scored: Array<{ candidate: T; score: number }> = [];
    const unweighted: T[] = [];
    for (const candidate of orderByChain(candidates, context.chain)) {
      const weight = weightOf(context.weights, candidate.providerId);
      if (weight > 0) {
        scored.push({
          candidate,
          score: rendezvousScore(context.stickyKey, candidate.providerId, weight),
        });
      } else {
        unweighted.push(candidate);
      }
    }
    // Stable sort: equal scores (same provider listed twice) keep chain order.
    scored.sort((left, right) => left.score - right.score);
    return [...scored.map(({ candidate }) => candidate), ...unweighted];
  },
};
