import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Creates a time-sortable id: `<prefix>_` + 10 chars of millisecond time + 16 random chars
 * (Crockford base32, lower case). Ids of one prefix sort by creation time, which keyset
 * pagination relies on.
 */
export function createId(prefix: string, now: number = Date.now()): string {
  let time = '';
  let remaining = now;
  for (let index = 0; index < 10; index++) {
    time = alphabet[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  const random = randomBytes(16);
  let suffix = '';
  for (const byte of random) suffix += alphabet[byte % 32];
  return `${prefix}_${time}${suffix}`;
}
