import type { Logger } from '../observability/logger.js';
import { generateWebhookSecret } from '../security/standard-webhooks.js';
import type { Database } from '../store/database.js';
import { GatewaySettingsRepository } from '../store/repositories/gateway-settings-repository.js';

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
  const settings = new GatewaySettingsRepository(database);
  await settings.insertWebhookSecretIfAbsent(generateWebhookSecret());
  const secret = await settings.webhookSecret();
  if (secret === undefined) throw new Error('stored webhook secret is unreadable');
  logger.info(
    'outbound webhooks are signed with a generated secret (GET /admin/webhook-secret, or set SWITCHYARD_WEBHOOK_SECRET)',
  );
  return secret;
}
