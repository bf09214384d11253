import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 random bytes take at most 43 base62 digits. */
const bodyLength = 43;
const prefixLength = 8;
const keyPattern = /^sy-[0-9A-Za-z]{43}$/;

function toBase62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = base62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(bodyLength, '0');
}

/** A new API key: `sy-` + base62 of 32 random bytes, and its visible prefix. */
export function generateApiKey(): { key: string; prefix: string } {
  const key = `sy-${toBase62(randomBytes(32))}`;
  return { key, prefix: apiKeyPrefix(key) };
}

/** The visible start of a key (`sy-` + 8 characters), stored and shown in lists. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 3 + prefixLength);
}

/** Whether a presented string has the shape of a Switchyard key (cheap pre-check). */
export function looksLikeApiKey(key: string): boolean {
  return keyPattern.test(key);
}

/** HMAC-SHA256 of the plaintext, hex: the only form a key is stored in. */
export function hashApiKey(secret: Buffer, key: string): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
