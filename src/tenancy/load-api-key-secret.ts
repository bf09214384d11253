import { createHmac, randomBytes } from 'node:crypto';
import type { Database } from '../store/database.js';
import {
  GatewaySettingKey,
  GatewaySettingsRepository,
} from '../store/repositories/gateway-settings-repository.js';

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
  const stored = await new GatewaySettingsRepository(database).getOrCreate(
    GatewaySettingKey.apiKeyHashSecret,
    () => randomBytes(32).toString('base64'),
  );
  return Buffer.from(stored, 'base64');
}
