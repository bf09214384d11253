import { normalCdf } from './normal-distribution.js';

/**
 * A one-sided mixture sequential probability ratio test (mSPRT; Robbins 1970, Johari et al.
 * 2017, "always valid p-values") for an estimate that is approximately N(θ, V), with H₀: θ = 0
 * against θ > 0, the likelihood ratio mixed over a half-normal prior of scale τ on θ:
 *
 *   Λ = 2 Φ(θ̂τ / √(V(V+τ²))) · √(V / (V+τ²)) · exp(θ̂²τ² / (2V(V+τ²)))
 *
 * Under H₀, Λ over a growing sample is a martingale with mean 1, so by Ville's inequality
 * P(Λ ever ≥ 1/α) ≤ α: the controller may look every 30 s, or every second, without the
 * false-alarm rate growing with the number of looks. τ is the effect the operator wants to
 * detect; a wrong τ costs power (detection time), never validity.
 */
export function logMixtureRatio(estimate: number, variance: number, tau: number): number {
  if (!(variance > 0) || !(tau > 0)) return Number.NEGATIVE_INFINITY;
  const spread = variance + tau * tau;
  const argument = (estimate * tau) / Math.sqrt(variance * spread);
  return (
    Math.LN2 +
    Math.log(normalCdf(argument)) +
    0.5 * Math.log(variance / spread) +
    (estimate * estimate * tau * tau) / (2 * variance * spread)
  );
}

/** The always-valid p-value of one look: min(1, 1/Λ). Rejecting when it is ≤ α keeps α. */
export function alwaysValidPValue(estimate: number, variance: number, tau: number): number {
  return Math.min(1, Math.exp(-logMixtureRatio(estimate, variance, tau)));
}

/**
 * The estimate at which Λ reaches 1/α for this variance: the test rejects when θ̂ ≥ boundary.
 * Λ increases with θ̂, so bisection finds it; Infinity when the variance is 0 (no information).
 */
export function mixtureBoundary(variance: number, tau: number, alpha: number): number {
  if (!(variance > 0) || !(tau > 0)) return Number.POSITIVE_INFINITY;
  const target = Math.log(1 / alpha);
  let low = 0;
  let high = Math.sqrt(variance);
  while (logMixtureRatio(high, variance, tau) < target) high *= 2;
  for (let step = 0; step < 100 && high - low > 1e-12 * high; step++) {
    const middle = (low + high) / 2;
    if (logMixtureRatio(middle, variance, tau) < target) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * A lower confidence bound on θ valid at every look at level 1 − α (the confidence sequence
 * that inverts the test): θ ≥ θ̂ − boundary. Uses the null variance, as the test does.
 */
export function lowerConfidenceBound(
  estimate: number,
  variance: number,
  tau: number,
  alpha: number,
): number {
  return estimate - mixtureBoundary(variance, tau, alpha);
}
