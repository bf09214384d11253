import type { z } from 'zod';
import { GatewayError, NotFoundError, ValidationError } from '../core/errors/index.js';
import { formatIssues } from '../config/load-config.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import type { ProviderInstances } from './provider-instances.js';
import { SimulatorAdapter } from './simulator/simulator-adapter.js';
import {
  SimulatorProfilePatchSchema,
  SimulatorProfileSchema,
} from './simulator/simulator-profile.js';

const settingsChannel = 'switchyard_settings_changed';
const profileKeyPrefix = 'provider_profile:';

/**
 * Runtime changes to provider instances made through the admin API. Simulator profiles (for
 * drills) are stored in `gateway_settings`, so they survive restarts and reach every gateway
 * instance sharing the database (NOTIFY on PostgreSQL).
 */
export class ProviderAdmin {
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: Database,
    private readonly instances: ProviderInstances,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const { rows } = await this.database.query<{ key: string; value: unknown }>(
      'SELECT key, value FROM gateway_settings WHERE key LIKE $1',
      [`${profileKeyPrefix}%`],
    );
    for (const row of rows) this.applyStored(row.key, row.value);
    if (this.database.kind === 'postgres') {
      this.unsubscribe = await this.database.listen(
        settingsChannel,
        (key) => void this.reload(key),
      );
    }
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Changes a simulator's profile; returns the new profile. */
  async patchProfile(
    providerId: string,
    body: unknown,
  ): Promise<z.infer<typeof SimulatorProfileSchema>> {
    const instance = this.instances.get(providerId);
    if (!instance) throw new NotFoundError('provider', providerId);
    if (!(instance.adapter instanceof SimulatorAdapter)) {
      throw new GatewayError({
        code: 'not_a_simulator',
        message: `Provider '${providerId}' is a ${instance.adapter.type} provider; only simulator profiles can be changed at runtime.`,
        httpStatus: 409,
      });
    }
    const parsed = SimulatorProfilePatchSchema.safeParse(body);
    if (!parsed.success) {
      throw new ValidationError(`Invalid profile change:\n${formatIssues(parsed.error.issues)}`, {
        issues: parsed.error.issues.map((issue) => ({
          field: issue.path.join('.'),
          message: issue.message,
        })),
      });
    }
    const profile = instance.adapter.updateProfile(parsed.data);
    this.instances.changed();
    const key = `${profileKeyPrefix}${providerId}`;
    await this.database.transaction(async (transaction) => {
      await transaction.query(
        `INSERT INTO gateway_settings (key, value, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [key, JSON.stringify(profile)],
      );
      if (this.database.kind === 'postgres')
        await transaction.query('SELECT pg_notify($1, $2)', [settingsChannel, key]);
    });
    this.logger.info({ provider: providerId, profile }, 'simulator profile changed');
    return profile;
  }

  private async reload(key: string): Promise<void> {
    const { rows } = await this.database.query<{ value: unknown }>(
      'SELECT value FROM gateway_settings WHERE key = $1',
      [key],
    );
    if (rows[0]) this.applyStored(key, rows[0].value);
  }

  private applyStored(key: string, value: unknown): void {
    if (!key.startsWith(profileKeyPrefix)) return;
    const adapter = this.instances.adapter(key.slice(profileKeyPrefix.length));
    if (!(adapter instanceof SimulatorAdapter)) return;
    const parsed = SimulatorProfileSchema.safeParse(value);
    if (!parsed.success) {
      this.logger.warn({ key }, 'ignoring unreadable stored simulator profile');
      return;
    }
    const { models: _models, ...profile } = parsed.data;
    adapter.updateProfile(profile);
    this.instances.changed();
  }
}
