/** How the traffic routed since the stage began compares with the stage's weights. */
export interface SplitCheck {
  /** `agrees`, `mismatch`, or `inconclusive` below the minimum number of requests. */
  status: 'agrees' | 'mismatch' | 'inconclusive';
  /** Requests routed to either arm since the stage started. */
  requests: number;
  /** The canary's observed share (null without requests). */
  observedShare: number | null;
  /** The stage's canary weight. */
  expectedShare: number;
  /** Standard deviations between observed and expected (null when undefined). */
  zScore: number | null;
}

/** Below this many requests a share says nothing. */
export const splitMinimumRequests = 30;
/**
 * A mismatch needs both: 4 standard deviations of the binomial (a healthy split crosses that
 * about once in 16,000 looks) and 5 percentage points, so that the few requests a failing canary
 * hands back to the baseline (counted as routed there too) or the odd pinned request never stop
 * a rollout, while a per-model override or a hand-edited weight (tens of points off) always does.
 */
const zLimit = 4;
const pointsLimit = 0.05;

/** A binomial test of the canary's share against the stage weight. Pure. */
export function checkSplit(
  routed: { baseline: number; canary: number },
  expectedShare: number,
): SplitCheck {
  const requests = routed.baseline + routed.canary;
  if (requests === 0)
    return { status: 'inconclusive', requests, observedShare: null, expectedShare, zScore: null };
  const observedShare = routed.canary / requests;
  const deviation = Math.abs(observedShare - expectedShare);
  const spread = Math.sqrt((expectedShare * (1 - expectedShare)) / requests);
  const zScore =
    spread > 0 ? (observedShare - expectedShare) / spread : deviation > 0 ? Infinity : 0;
  if (requests < splitMinimumRequests)
    return { status: 'inconclusive', requests, observedShare, expectedShare, zScore };
  const mismatch = Math.abs(zScore) > zLimit && deviation > pointsLimit;
  return {
    status: mismatch ? 'mismatch' : 'agrees',
    requests,
    observedShare,
    expectedShare,
    zScore,
  };
}
