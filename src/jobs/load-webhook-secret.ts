import type { Logger } from '../observability/logger.js';
import { generateWebhookSecret } from '../security/standard-webhooks.js';
import type { Database } from '../store/database.js';

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
  await database.query(
    `INSERT INTO gateway_settings (key, value) VALUES ('webhook_secret', $1) ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(generateWebhookSecret())],
  );
  const { rows } = await database.query<{ value: unknown }>(
    `SELECT value FROM gateway_settings WHERE key = 'webhook_secret'`,
  );
  const secret = rows[0]?.value;
  if (typeof secret !== 'string') throw new Error('stored webhook secret is unreadable');
  logger.info(
    'outbound webhooks are signed with a generated secret (GET /admin/webhook-secret, or set SWITCHYARD_WEBHOOK_SECRET)',
  );
  return secret;
}
