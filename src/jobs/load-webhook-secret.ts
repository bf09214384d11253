import type { Logger } from '../observability/logger.js';
import { generateWebhookSecret } from '../security/standard-webhooks.js';
import type { Database } from '../store/database.js';
import {
  GatewaySettingKey,
  GatewaySettingsRepository,
} from '../store/repositories/gateway-settings-repository.js';

/**
 * The Standard Webhooks secret for outbound webhooks: from config, or generated once and kept
 * in the database so every gateway instance signs with the same key. Never logged.
 */
export async function loadWebhookSecret(
  database: Database,
  configured: string | undefined,
  logger: Logger,
): Promise<string> {
  if (configured) return configured;
  const secret = await new GatewaySettingsRepository(database).getOrCreate(
    GatewaySettingKey.webhookSecret,
    generateWebhookSecret,
  );
  logger.info(
    'outbound webhooks are signed with a generated secret (GET /admin/webhook-secret, or set SWITCHYARD_WEBHOOK_SECRET)',
  );
  return secret;
}
