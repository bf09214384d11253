import { describe, expect, it } from 'vitest';
import { pollDelayMs } from './poll-backoff.js';

describe('pollDelayMs', () => {
  const middle = () => 0.5;
  it('should grow by half each poll up to the cap', () => {
    const delays = [0, 1, 2, 3, 10].map((poll) =>
      pollDelayMs(poll, { initialMs: 1000, maxMs: 5000, random: middle }),
    );
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5000]);
  });

  it('should keep jitter within ten percent', () => {
    expect(pollDelayMs(0, { initialMs: 1000, maxMs: 5000, random: () => 0 })).toBe(900);
    expect(pollDelayMs(0, { initialMs: 1000, maxMs: 5000, random: () => 0.999999 })).toBe(1100);
  });

  it("should never poll sooner than the provider's Retry-After", () => {
    expect(
      pollDelayMs(0, { initialMs: 1000, maxMs: 5000, retryAfterMs: 7000, random: middle }),
    ).toBe(7000);
  });
});
