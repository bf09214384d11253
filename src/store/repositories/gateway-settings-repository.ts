import { z } from 'zod';
import type { Database } from '../database.js';

/** The `webhook_secret` row: its JSON value is the secret as a string. */
const WebhookSecretRowSchema = z.object({ value: z.string() });

/** Typed data access for `gateway_settings`: values every gateway instance shares. */
export class GatewaySettingsRepository {
  constructor(private readonly database: Database) {}

  /** Stores `secret` as the webhook secret unless one is stored already (the first one wins). */
  async insertWebhookSecretIfAbsent(secret: string): Promise<void> {
    await this.database.query(
      `INSERT INTO gateway_settings (key, value) VALUES ('webhook_secret', $1) ON CONFLICT (key) DO NOTHING`,
      [JSON.stringify(secret)],
    );
  }

  /** The stored webhook secret; undefined when there is none or its value is not a string. */
  async webhookSecret(): Promise<string | undefined> {
    const { rows } = await this.database.query(
      `SELECT value FROM gateway_settings WHERE key = 'webhook_secret'`,
    );
    const parsed = WebhookSecretRowSchema.safeParse(rows[0]);
    return parsed.success ? parsed.data.value : undefined;
  }
}
