import { describe, expect, it } from 'vitest';
import {
  apiKeyPrefix,
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  sameHash,
} from './api-key-format.js';

describe('API key format', () => {
  it('should make sy- keys of 43 base62 characters with an 11-character prefix', () => {
    const { key, prefix } = generateApiKey();
    expect(key).toMatch(/^sy-[0-9A-Za-z]{43}$/);
    expect(prefix).toBe(key.slice(0, 11));
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey(`${key}x`)).toBe(false);
    expect(looksLikeApiKey('sk-123')).toBe(false);
  });

  it('should not repeat', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
  });

  it('should hash with the secret and compare hashes', () => {
    const { key } = generateApiKey();
    const secret = Buffer.alloc(32, 1);
    const hash = hashApiKey(secret, key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.slice(3));
    expect(hashApiKey(Buffer.alloc(32, 2), key)).not.toBe(hash);
    expect(sameHash(hash, hashApiKey(secret, key))).toBe(true);
    expect(sameHash(hash, hashApiKey(secret, `${key.slice(0, -1)}0`))).toBe(false);
    expect(sameHash(hash, 'abcd')).toBe(false);
  });
});
