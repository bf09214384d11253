import { describe, expect, it } from 'vitest';
import { eventTokenSeconds, issueEventToken, verifyEventToken } from './event-stream-token.js';

describe('event stream tokens', () => {
  const key = 'admin-key-for-events';
  const now = Date.UTC(2026, 0, 1);

  it('should accept a token until it expires, and never after', () => {
    const { token, expiresAt } = issueEventToken(key, now);
    expect(expiresAt.getTime()).toBe(now + eventTokenSeconds * 1000);
    expect(verifyEventToken(key, token, now)).toBe(true);
    expect(verifyEventToken(key, token, now + eventTokenSeconds * 1000)).toBe(true);
    expect(verifyEventToken(key, token, now + eventTokenSeconds * 1000 + 1000)).toBe(false);
  });

  it('should refuse a token signed with another key, altered, or malformed', () => {
    const { token } = issueEventToken(key, now);
    expect(verifyEventToken('another-admin-key', token, now)).toBe(false);
    const [expiry, signature] = token.split('.');
    // A later expiry with the old signature: the signature covers the expiry.
    expect(verifyEventToken(key, `${Number(expiry) + 3600}.${signature}`, now)).toBe(false);
    expect(verifyEventToken(key, '', now)).toBe(false);
    expect(verifyEventToken(key, key, now)).toBe(false);
    expect(token).not.toContain(key);
  });
});
