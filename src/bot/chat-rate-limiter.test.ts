import { describe, expect, it } from 'vitest';
import { ChatRateLimiter } from './chat-rate-limiter.js';

describe('ChatRateLimiter', () => {
  it('should allow N jobs per rolling minute per chat, then say when to retry', () => {
    let now = 1_000_000;
    const limiter = new ChatRateLimiter(2, () => now);
    expect(limiter.take('1')).toEqual({ allowed: true });
    now += 10_000;
    expect(limiter.take('1')).toEqual({ allowed: true });
    expect(limiter.take('2')).toEqual({ allowed: true });
    expect(limiter.take('1')).toEqual({ allowed: false, retryAfterSeconds: 50 });
    now += 50_000;
    expect(limiter.take('1')).toEqual({ allowed: true });
  });
});
