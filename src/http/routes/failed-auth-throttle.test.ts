import { describe, expect, it } from 'vitest';
import { FailedAuthThrottle } from './failed-auth-throttle.js';

describe('FailedAuthThrottle', () => {
  it('should refuse an address past its failures until its window ends, and no other', () => {
    let now = 1_000_000;
    const throttle = new FailedAuthThrottle(2, 60_000, () => now);
    throttle.fail('10.0.0.1');
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
    now += 10_000;
    throttle.fail('10.0.0.1');
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(50_000);
    expect(throttle.retryAfterMs('10.0.0.2')).toBe(0);
    now += 50_000;
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
    throttle.fail('10.0.0.1');
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
  });
});
