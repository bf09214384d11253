import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitState } from './circuit-breaker.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const start = 1_700_000_000_000;

function failTimes(breaker: CircuitBreaker, count: number, now = start): void {
  for (let index = 0; index < count; index += 1) breaker.recordFailure(now);
}

/** A breaker opened by a failure streak at `start`. */
function openedBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const breaker = new CircuitBreaker(options);
  failTimes(breaker, 5);
  return breaker;
}

describe('CircuitBreaker', () => {
  it('should start closed and let requests through', () => {
    const breaker = new CircuitBreaker();
    expect(breaker.state(start)).toBe(CircuitState.closed);
    expect(breaker.allowRequest(start)).toBe(true);
    expect(breaker.describe(start)).toEqual({
      state: 'closed',
      forced: false,
      consecutiveFailures: 0,
      failureRatio: null,
      openedAt: null,
      retryAt: null,
    });
  });

  it('should open after 5 failures in a row, not 4', () => {
    const breaker = new CircuitBreaker();
    failTimes(breaker, 4);
    expect(breaker.state(start)).toBe('closed');
    breaker.recordFailure(start + 1);
    expect(breaker.state(start + 1)).toBe('open');
    expect(breaker.allowRequest(start + 1)).toBe(false);
    expect(breaker.describe(start + 1)).toMatchObject({
      consecutiveFailures: 5,
      openedAt: start + 1,
      retryAt: start + 30_001,
    });
  });

  it('should restart the streak after a success', () => {
    const breaker = new CircuitBreaker();
    failTimes(breaker, 4);
    breaker.recordSuccess(start);
    failTimes(breaker, 4);
    expect(breaker.state(start)).toBe('closed');
    expect(breaker.describe(start).consecutiveFailures).toBe(4);
  });

  it('should open when half of at least 10 outcomes in the window failed', () => {
    const breaker = new CircuitBreaker();
    for (let index = 0; index < 4; index += 1) {
      breaker.recordSuccess(start + index);
      breaker.recordFailure(start + index);
    }
    breaker.recordSuccess(start + 5);
    expect(breaker.describe(start + 5)).toMatchObject({ state: 'closed', failureRatio: 4 / 9 });
    breaker.recordFailure(start + 6);
    expect(breaker.describe(start + 6)).toMatchObject({ state: 'open', failureRatio: 0.5 });
  });

  it('should not apply the ratio rule below the minimum number of outcomes', () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 100, minimumRequests: 10 });
    failTimes(breaker, 9);
    expect(breaker.describe(start)).toMatchObject({ state: 'closed', failureRatio: 1 });
    breaker.recordFailure(start);
    expect(breaker.state(start)).toBe('open');
  });

  it('should stay closed below the failure ratio', () => {
    const breaker = new CircuitBreaker();
    for (let index = 0; index < 100; index += 1) {
      if (index % 5 >= 3) breaker.recordFailure(start + index);
      else breaker.recordSuccess(start + index);
    }
    expect(breaker.describe(start + 100)).toMatchObject({ state: 'closed', failureRatio: 0.4 });
  });

  it('should forget outcomes older than the window for the ratio rule', () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 100 });
    failTimes(breaker, 9, start);
    const later = start + 60_000;
    expect(breaker.describe(later).failureRatio).toBeNull();
    breaker.recordFailure(later);
    expect(breaker.state(later)).toBe('closed');
  });

  it('should refuse during the cooldown and turn half-open when it ends', () => {
    const breaker = openedBreaker();
    expect(breaker.state(start + 29_999)).toBe('open');
    expect(breaker.allowRequest(start + 29_999)).toBe(false);
    expect(breaker.state(start + 30_000)).toBe('half_open');
  });

  it('should admit exactly one probe at a time when half-open', () => {
    const breaker = openedBreaker();
    const now = start + 30_000;
    expect(breaker.allowRequest(now)).toBe(true);
    expect(breaker.allowRequest(now)).toBe(false);
    expect(breaker.allowRequest(now + 10_000)).toBe(false);
    expect(breaker.state(now + 10_000)).toBe('half_open');
  });

  it('should close and reset its counters when the probe succeeds', () => {
    const breaker = openedBreaker();
    const now = start + 30_000;
    breaker.allowRequest(now);
    breaker.recordSuccess(now + 500);
    expect(breaker.describe(now + 500)).toEqual({
      state: 'closed',
      forced: false,
      consecutiveFailures: 0,
      failureRatio: null,
      openedAt: null,
      retryAt: null,
    });
    expect(breaker.allowRequest(now + 500)).toBe(true);
    failTimes(breaker, 4, now + 600);
    expect(breaker.state(now + 600)).toBe('closed');
  });

  it('should open again with a fresh cooldown when the probe fails', () => {
    const breaker = openedBreaker();
    const now = start + 30_000;
    breaker.allowRequest(now);
    breaker.recordFailure(now + 2_000);
    expect(breaker.describe(now + 2_000)).toMatchObject({
      state: 'open',
      openedAt: now + 2_000,
      retryAt: now + 32_000,
    });
    expect(breaker.allowRequest(now + 31_999)).toBe(false);
    expect(breaker.allowRequest(now + 32_000)).toBe(true);
  });

  it('should let another probe go when the first never reports back', () => {
    const breaker = openedBreaker({ probeTimeoutMs: 5_000 });
    const now = start + 30_000;
    expect(breaker.allowRequest(now)).toBe(true);
    expect(breaker.allowRequest(now + 4_999)).toBe(false);
    expect(breaker.allowRequest(now + 5_000)).toBe(true);
    expect(breaker.allowRequest(now + 5_001)).toBe(false);
  });

  it('should ignore late outcomes of requests admitted before it opened', () => {
    const breaker = openedBreaker();
    breaker.recordSuccess(start + 1_000);
    expect(breaker.state(start + 1_000)).toBe('open');
    breaker.recordFailure(start + 2_000);
    expect(breaker.describe(start + 2_000)).toMatchObject({
      openedAt: start,
      retryAt: start + 30_000,
    });
    breaker.recordSuccess(start + 30_000);
    expect(breaker.state(start + 30_000)).toBe('half_open');
    breaker.recordFailure(start + 30_000);
    expect(breaker.state(start + 30_000)).toBe('half_open');
  });

  it('should stay open while forced, without probes, until forced closed', () => {
    const breaker = new CircuitBreaker();
    breaker.forceOpen(start);
    expect(breaker.describe(start + 3_600_000)).toEqual({
      state: 'open',
      forced: true,
      consecutiveFailures: 0,
      failureRatio: null,
      openedAt: start,
      retryAt: null,
    });
    expect(breaker.allowRequest(start + 3_600_000)).toBe(false);
    breaker.recordSuccess(start + 3_600_000);
    expect(breaker.state(start + 3_600_000)).toBe('open');
    breaker.forceClose(start + 3_600_001);
    expect(breaker.describe(start + 3_600_001)).toMatchObject({ state: 'closed', forced: false });
    expect(breaker.allowRequest(start + 3_600_001)).toBe(true);
  });

  it('should close an automatically opened breaker on forceClose, with counters reset', () => {
    const breaker = openedBreaker();
    breaker.forceClose(start + 1);
    expect(breaker.describe(start + 1)).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
      failureRatio: null,
    });
  });

  it('should honour custom thresholds', () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 2, cooldownMs: 1_000 });
    failTimes(breaker, 2);
    expect(breaker.state(start + 999)).toBe('open');
    expect(breaker.state(start + 1_000)).toBe('half_open');
  });

  it('should never admit two probes at once, and never admit while open, on random traffic', () => {
    const random = mulberry32(1);
    for (let round = 0; round < 50; round += 1) {
      const breaker = new CircuitBreaker({ consecutiveFailures: 3, cooldownMs: 5_000 });
      let now = start;
      let probeOut = false;
      let probeAt = 0;
      for (let step = 0; step < 2_000; step += 1) {
        now += Math.floor(random() * 1_000);
        const before = breaker.state(now);
        const action = random();
        if (action < 0.5) {
          const allowed = breaker.allowRequest(now);
          if (before === 'closed') expect(allowed).toBe(true);
          if (before === 'open') expect(allowed).toBe(false);
          if (before === 'half_open') {
            expect(allowed).toBe(!probeOut || now - probeAt >= 60_000);
            if (allowed) {
              probeOut = true;
              probeAt = now;
            }
          }
        } else if (action < 0.8) {
          breaker.recordFailure(now);
          if (before === 'half_open' && probeOut) expect(breaker.state(now)).toBe('open');
          if (before === 'open') expect(breaker.state(now)).toBe('open');
        } else {
          breaker.recordSuccess(now);
          if (before === 'half_open' && probeOut) expect(breaker.state(now)).toBe('closed');
          if (before === 'closed') expect(breaker.state(now)).toBe('closed');
        }
        if (breaker.state(now) !== 'half_open') probeOut = false;
      }
    }
  });

  it('should reject invalid options', () => {
    const invalid: CircuitBreakerOptions[] = [
      { consecutiveFailures: 0 },
      { consecutiveFailures: 2.5 },
      { windowMs: 0 },
      { windowMs: Number.POSITIVE_INFINITY },
      { failureRatio: 0 },
      { failureRatio: 1.5 },
      { failureRatio: Number.NaN },
      { minimumRequests: 0 },
      { cooldownMs: -1 },
      { probeTimeoutMs: 0 },
    ];
    for (const options of invalid) expect(() => new CircuitBreaker(options)).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureRatio: 1, cooldownMs: 0 })).not.toThrow();
  });

  it('should reject a time that is not finite', () => {
    const breaker = new CircuitBreaker();
    expect(() => breaker.state(Number.NaN)).toThrow(RangeError);
    expect(() => breaker.recordFailure(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
