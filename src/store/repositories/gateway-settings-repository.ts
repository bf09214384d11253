import { z } from 'zod';
import type { Database } from '../database.js';

/** The settings rows the gateway keeps: each JSON value is a string. */
export const GatewaySettingKey = {
  /** The generated Standard Webhooks secret outbound webhooks are signed with. */
  webhookSecret: 'webhook_secret',
  /** The generated secret API keys are hashed with (when `SWITCHYARD_SECRET_KEY` is unset). */
  apiKeyHashSecret: 'api_key_hash_secret',
} as const;
export type GatewaySettingKey = (typeof GatewaySettingKey)[keyof typeof GatewaySettingKey];

const StringSettingRowSchema = z.object({ value: z.string() });

/** Typed data access for `gateway_settings`: values every gateway instance shares. */
export class GatewaySettingsRepository {
  constructor(private readonly database: Database) {}

  /** Stores `value` under `key` unless a value is stored already (the first one wins). */
  async insertIfAbsent(key: GatewaySettingKey, value: string): Promise<void> {
    await this.database.query(
      `INSERT INTO gateway_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
      [key, JSON.stringify(value)],
    );
  }

  /** The stored value; undefined when there is none or it is not a string. */
  async get(key: GatewaySettingKey): Promise<string | undefined> {
    const { rows } = await this.database.query(
      `SELECT value FROM gateway_settings WHERE key = $1`,
      [key],
    );
    const parsed = StringSettingRowSchema.safeParse(rows[0]);
    return parsed.success ? parsed.data.value : undefined;
  }

  /** Stores `generate()` under `key` unless another instance did first; returns what is stored. */
  async getOrCreate(key: GatewaySettingKey, generate: () => string): Promise<string> {
    await this.insertIfAbsent(key, generate());
    const value = await this.get(key);
    if (value === undefined) throw new Error(`stored gateway setting '${key}' is unreadable`);
    return value;
  }
}
