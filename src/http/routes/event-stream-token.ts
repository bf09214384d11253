import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a token opens the stream for: long enough to connect, short enough to leak little. */
export const eventTokenSeconds = 60;

function sign(adminKey: string, expiresAt: number): Buffer {
  return createHmac('sha256', adminKey).update(`switchyard-events:${expiresAt}`).digest();
}

/**
 * A short-lived token for `GET /admin/events?token=…`. A browser's EventSource cannot send an
 * Authorization header, and the admin key must never sit in a URL (proxies and browsers log
 * URLs), so an authenticated POST trades the key for this. It is signed with the admin key,
 * not stored: any instance on the same key accepts it, and rotating the key voids them all.
 */
export function issueEventToken(
  adminKey: string,
  nowMs: number,
): { token: string; expiresAt: Date } {
  const expiresAt = Math.floor(nowMs / 1000) + eventTokenSeconds;
  const token = `${expiresAt}.${sign(adminKey, expiresAt).toString('base64url')}`;
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** Whether `token` was issued with `adminKey` and has not expired. */
export function verifyEventToken(adminKey: string, token: string, nowMs: number): boolean {
  const match = /^(\d{1,12})\.([\w-]{43})$/.exec(token);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt * 1000 < nowMs) return false;
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = sign(adminKey, expiresAt);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
