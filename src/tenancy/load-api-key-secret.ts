import { createHmac, randomBytes } from 'node:crypto';
import type { Database } from '../store/database.js';

/**
 * The secret API keys are hashed with: derived from `SWITCHYARD_SECRET_KEY` when set, else
 * generated once and kept in `gateway_settings`, so that every instance computes the same hash.
 * Changing it (setting `SWITCHYARD_SECRET_KEY` later) invalidates every existing key.
 */
export async function loadApiKeySecret(
  database: Database,
  secretKey: string | undefined,
): Promise<Buffer> {
  if (secretKey) {
    // Domain separation: the same secret will also encrypt channel credentials.
    return createHmac('sha256', secretKey).update('switchyard api key hashing v1').digest();
  }
  await database.query(
    `INSERT INTO gateway_settings (key, value) VALUES ('api_key_hash_secret', $1) ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(randomBytes(32).toString('base64'))],
  );
  const { rows } = await database.query<{ value: unknown }>(
    `SELECT value FROM gateway_settings WHERE key = 'api_key_hash_secret'`,
  );
  const stored = rows[0]?.value;
  if (typeof stored !== 'string') throw new Error('stored API key secret is unreadable');
  return Buffer.from(stored, 'base64');
}
