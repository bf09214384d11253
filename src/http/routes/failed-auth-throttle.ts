/** Failures remembered per address; beyond this many addresses, stale windows are dropped. */
const maxTrackedAddresses = 10_000;

/**
 * Counts failed admin-key attempts per caller address in fixed one-minute windows: past
 * `maxFailures` in a window the address is refused until the window ends, so guessing the key
 * costs a minute per `maxFailures` tries instead of running at line rate.
 */
export class FailedAuthThrottle {
  private readonly windows = new Map<string, { startedAt: number; failures: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `address` may try again, or 0 when it may try now. */
  retryAfterMs(address: string): number {
    const window = this.windows.get(address);
    if (!window) return 0;
    const left = window.startedAt + this.windowMs - this.now();
    if (left <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return window.failures >= this.maxFailures ? left : 0;
  }

  /** Records one failed attempt from `address`. */
  fail(address: string): void {
    const now = this.now();
    const window = this.windows.get(address);
    if (window && now < window.startedAt + this.windowMs) {
      window.failures++;
      return;
    }
    if (this.windows.size >= maxTrackedAddresses) this.prune(now);
    this.windows.set(address, { startedAt: now, failures: 1 });
  }

  private prune(now: number): void {
    for (const [address, window] of this.windows)
      if (now >= window.startedAt + this.windowMs) this.windows.delete(address);
    // Still full (a spread-out attack): forget the oldest, the map must stay bounded.
    if (this.windows.size >= maxTrackedAddresses) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
  }
}
