/** Breaker states, as shown on `/api/health` and in metrics. */
export const CircuitState = { closed: 'closed', open: 'open', halfOpen: 'half_open' } as const;

/** One of the {@link CircuitState} values. */
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];

/** Options of a {@link CircuitBreaker}; every field has a default. */
export interface CircuitBreakerOptions {
  /** Failures in a row that open the breaker (integer ≥ 1). Default 5. */
  consecutiveFailures?: number;
  /**
   * Span of the failure-ratio rule in ms (> 0). Default 60 s. Outcomes leave it in steps of a
   * tenth of the span, so an outcome counts for between 90 % and 100 % of `windowMs`.
   */
  windowMs?: number;
  /** Failure share over `windowMs` that opens the breaker, in (0, 1]. Default 0.5. */
  failureRatio?: number;
  /** Outcomes needed in `windowMs` before the ratio rule applies (integer ≥ 1). Default 10. */
  minimumRequests?: number;
  /** Time an open breaker refuses requests before it lets a probe through, ms (≥ 0). Default 30 s. */
  cooldownMs?: number;
  /**
   * Time after which a half-open probe whose outcome never came back (crashed worker) is given
   * up and another probe may go, ms (> 0). Without it the breaker could stay half-open for ever.
   * Default 60 s.
   */
  probeTimeoutMs?: number;
}

/** A breaker's state for `/api/health`, metrics and logs. */
export interface CircuitBreakerDescription {
  /** Current state. */
  state: CircuitState;
  /** Opened by an operator: stays open, no probes, until {@link CircuitBreaker.forceClose}. */
  forced: boolean;
  /** Failures in a row since the last success. */
  consecutiveFailures: number;
  /** Failure share over the last `windowMs`; `null` when there were no outcomes. */
  failureRatio: number | null;
  /** When the breaker last opened (epoch ms); `null` while closed. */
  openedAt: number | null;
  /** When a probe will be allowed (epoch ms); `null` while closed or forced open. */
  retryAt: number | null;
}

/** Buckets of the ratio window: outcomes expire in steps of `windowMs / 10`. */
const ratioBucketCount = 10;

/** Outcome counts of one slice of the ratio window; `epoch` is NaN while unused. */
interface RatioBucket {
  epoch: number;
  requests: number;
  failures: number;
}

/**
 * A circuit breaker for one provider. Closed: everything passes. It opens after
 * `consecutiveFailures` failures in a row, or when at least `minimumRequests` outcomes over
 * `windowMs` include a share of failures ≥ `failureRatio`. Open: requests are refused for
 * `cooldownMs`, then it is half-open and {@link allowRequest} admits one probe at a time; the
 * probe's success closes it (counters reset), its failure opens it again for a fresh cooldown.
 *
 * Outcomes that arrive while open, or while half-open with no probe out, come from requests
 * admitted before the breaker opened; they do not move it. Time is always passed in.
 *
 * @example
 * if (!breaker.allowRequest(now)) skip('circuit_open');
 * try { await call(); breaker.recordSuccess(clock()); } catch { breaker.recordFailure(clock()); }
 */
export class CircuitBreaker {
  private readonly options: Required<CircuitBreakerOptions>;
  private readonly ratioBucketMs: number;
  private readonly ratioBuckets: RatioBucket[] = Array.from({ length: ratioBucketCount }, () => ({
    epoch: Number.NaN,
    requests: 0,
    failures: 0,
  }));

  private isOpen = false;
  private forced = false;
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private retryAt: number | null = null;
  private probeStartedAt: number | null = null;

  /** @throws RangeError when an option is out of range. */
  constructor(options: CircuitBreakerOptions = {}) {
    this.options = resolveOptions(options);
    this.ratioBucketMs = this.options.windowMs / ratioBucketCount;
  }

  /** The state at `now`: an open breaker whose cooldown has passed reads as half-open. */
  state(now: number): CircuitState {
    requireTime(now);
    if (!this.isOpen) return CircuitState.closed;
    if (this.forced || this.retryAt === null || now < this.retryAt) return CircuitState.open;
    return CircuitState.halfOpen;
  }

  /**
   * Whether a request may go to the provider now. Half-open, the first caller becomes the probe
   * and everyone else is refused until its outcome is recorded (or it times out).
   */
  allowRequest(now: number): boolean {
    const state = this.state(now);
    if (state === CircuitState.closed) return true;
    if (state === CircuitState.open) return false;
    if (this.probeStartedAt !== null && now - this.probeStartedAt < this.options.probeTimeoutMs) {
      return false;
    }
    this.probeStartedAt = now;
    return true;
  }

  /** A request succeeded. Closed: resets the failure streak. Half-open probe: closes. */
  recordSuccess(now: number): void {
    const state = this.state(now);
    if (state === CircuitState.closed) {
      this.consecutiveFailures = 0;
      this.countOutcome(now, true);
    } else if (state === CircuitState.halfOpen && this.probeStartedAt !== null) {
      this.close();
    }
  }

  /** A request failed. Closed: may open the breaker. Half-open probe: opens it again. */
  recordFailure(now: number): void {
    const state = this.state(now);
    if (state === CircuitState.closed) {
      this.consecutiveFailures += 1;
      this.countOutcome(now, false);
      const window = this.windowCounts(now);
      const ratioBreached =
        window.requests >= this.options.minimumRequests &&
        window.failures / window.requests >= this.options.failureRatio;
      if (this.consecutiveFailures >= this.options.consecutiveFailures || ratioBreached) {
        this.open(now);
      }
    } else if (state === CircuitState.halfOpen && this.probeStartedAt !== null) {
      this.consecutiveFailures += 1;
      this.open(now);
    }
  }

  /** Operator: take the provider out now; it stays open (no probes) until {@link forceClose}. */
  forceOpen(now: number): void {
    requireTime(now);
    this.open(now);
    this.forced = true;
    this.retryAt = null;
  }

  /** Operator: put the provider back now, with counters reset. */
  forceClose(now: number): void {
    requireTime(now);
    this.close();
  }

  /** The breaker's state and counters at `now`. */
  describe(now: number): CircuitBreakerDescription {
    const window = this.windowCounts(now);
    return {
      state: this.state(now),
      forced: this.forced,
      consecutiveFailures: this.consecutiveFailures,
      failureRatio: window.requests === 0 ? null : window.failures / window.requests,
      openedAt: this.openedAt,
      retryAt: this.retryAt,
    };
  }

  private open(now: number): void {
    this.isOpen = true;
    this.openedAt = now;
    this.retryAt = now + this.options.cooldownMs;
    this.probeStartedAt = null;
  }

  private close(): void {
    this.isOpen = false;
    this.forced = false;
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.retryAt = null;
    this.probeStartedAt = null;
    // A fresh start: failures from before the outage must not re-open it on the next blip.
    for (const bucket of this.ratioBuckets) bucket.epoch = Number.NaN;
  }

  private countOutcome(now: number, ok: boolean): void {
    const epoch = Math.floor(now / this.ratioBucketMs);
    const bucket = this.ratioBuckets[
      ((epoch % ratioBucketCount) + ratioBucketCount) % ratioBucketCount
    ] as RatioBucket;
    // Older than the whole window (out-of-order clock): it would already have expired.
    if (bucket.epoch > epoch) return;
    if (bucket.epoch !== epoch) Object.assign(bucket, { epoch, requests: 0, failures: 0 });
    bucket.requests += 1;
    if (!ok) bucket.failures += 1;
  }

  private windowCounts(now: number): { requests: number; failures: number } {
    requireTime(now);
    const current = Math.floor(now / this.ratioBucketMs);
    let requests = 0;
    let failures = 0;
    for (const bucket of this.ratioBuckets) {
      if (bucket.epoch <= current && bucket.epoch > current - ratioBucketCount) {
        requests += bucket.requests;
        failures += bucket.failures;
      }
    }
    return { requests, failures };
  }
}

/** Fills in defaults and checks every option; NaN fails every rule. */
function resolveOptions(options: CircuitBreakerOptions): Required<CircuitBreakerOptions> {
  const resolved: Required<CircuitBreakerOptions> = {
    consecutiveFailures: options.consecutiveFailures ?? 5,
    windowMs: options.windowMs ?? 60_000,
    failureRatio: options.failureRatio ?? 0.5,
    minimumRequests: options.minimumRequests ?? 10,
    cooldownMs: options.cooldownMs ?? 30_000,
    probeTimeoutMs: options.probeTimeoutMs ?? 60_000,
  };
  const rules: Record<keyof CircuitBreakerOptions, [(value: number) => boolean, string]> = {
    consecutiveFailures: [(value) => Number.isInteger(value) && value >= 1, 'an integer ≥ 1'],
    windowMs: [(value) => Number.isFinite(value) && value > 0, 'a finite number > 0'],
    failureRatio: [(value) => value > 0 && value <= 1, 'in (0, 1]'],
    minimumRequests: [(value) => Number.isInteger(value) && value >= 1, 'an integer ≥ 1'],
    cooldownMs: [(value) => Number.isFinite(value) && value >= 0, 'a finite number ≥ 0'],
    probeTimeoutMs: [(value) => Number.isFinite(value) && value > 0, 'a finite number > 0'],
  };
  for (const name of Object.keys(rules) as Array<keyof CircuitBreakerOptions>) {
    const [valid, expectation] = rules[name];
    const value = resolved[name];
    if (typeof value !== 'number' || !valid(value)) {
      throw new RangeError(`CircuitBreaker option ${name} must be ${expectation}, got ${value}`);
    }
  }
  return resolved;
}

function requireTime(now: number): void {
  if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
}
