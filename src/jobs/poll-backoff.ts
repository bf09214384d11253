/**
 * Delay before poll number `poll` (0-based): grows ×1.5 from `initialMs` to `maxMs`, with ±10 %
 * jitter so that thousands of jobs submitted together do not poll in lockstep. A provider's
 * `Retry-After` is a floor.
 */
export function pollDelayMs(
  poll: number,
  options: { initialMs: number; maxMs: number; retryAfterMs?: number; random?: () => number },
): number {
  const base = Math.min(options.maxMs, options.initialMs * 1.5 ** poll);
  const jitter = 1 + ((options.random ?? Math.random)() - 0.5) * 0.2;
  return Math.max(Math.round(base * jitter), options.retryAfterMs ?? 0);
}
