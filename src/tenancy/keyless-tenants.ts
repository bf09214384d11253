import type { KeylessFamily, KeylessFamilyConfig } from '../config/config-schema.js';
import { ServiceUnavailableError } from '../core/errors/index.js';
import type { Logger } from '../observability/logger.js';
import { NotifiedReload } from '../store/notified-reload.js';
import type { Database } from '../store/database.js';
import type { TenantRepository } from '../store/repositories/tenant-repository.js';
import { tenancyChannel } from './api-key-cache.js';

/** The tenant a family's keyless calls run as, as the last read of `tenants` found it. */
export interface KeylessTenant {
  family: KeylessFamily;
  tenantId: string;
  /** The tenant's routing group (a keyless call has no key to override it). */
  group: string;
  /** `keyless:<family>`: counted like a key id for concurrency and recorded on jobs and usage. */
  apiKeyId: string;
  requestsPerMinute?: number;
  maxConcurrentJobs?: number;
}

export interface KeylessTenantsOptions {
  database: Database;
  tenants: Pick<TenantRepository, 'list'>;
  /** `compat.keyless`: the families that take keyless calls, by tenant name or id. */
  families: Partial<Record<KeylessFamily, KeylessFamilyConfig>>;
  /** The config's per-key defaults, used where the family sets none. */
  defaults: { requestsPerMinute?: number; maxConcurrentJobs?: number };
  reloadIntervalMs: number;
  logger: Logger;
}

/**
 * Resolves `compat.keyless.<family>.tenant` against the tenants table, re-read on the tenancy
 * NOTIFY (and a periodic backstop), like the key cache. A name that matches no tenant does not
 * stop start-up: tenants are data, usually created through the admin API of the running gateway
 * after the config was written, and renaming or deleting one must not take every instance down.
 * Instead each reload logs it, and the family's keyless calls answer 503
 * `keyless_tenant_unknown` naming the config key until the tenant exists; calls with a key are
 * unaffected.
 */
export class KeylessTenants {
  private resolved = new Map<KeylessFamily, KeylessTenant>();
  private readonly reloader: NotifiedReload;

  constructor(private readonly options: KeylessTenantsOptions) {
    this.reloader = new NotifiedReload({
      database: options.database,
      channel: tenancyChannel,
      intervalMs: options.reloadIntervalMs,
      read: () => this.read(),
      onError: (error) =>
        options.logger.error(
          { error: error.message },
          'keyless tenants reload failed; keeping the last ones',
        ),
      onReconnect: () => options.logger.info('tenant notifications resumed; reloading'),
    });
  }

  /** Whether a family takes keyless calls at all (configured, whether or not resolved). */
  accepts(family: KeylessFamily): boolean {
    return this.options.families[family] !== undefined;
  }

  async start(): Promise<void> {
    if (Object.keys(this.options.families).length === 0) return;
    await this.reloader.start();
  }

  async stop(): Promise<void> {
    await this.reloader.stop();
  }

  reload(): Promise<void> {
    return this.reloader.reload();
  }

  /**
   * The tenant a keyless call of `family` runs as.
   * @throws ServiceUnavailableError 503 `keyless_tenant_unknown` when the configured name
   * matches no tenant.
   */
  resolve(family: KeylessFamily): KeylessTenant {
    const found = this.resolved.get(family);
    if (found) return found;
    const configKey = `compat.keyless.${family}.tenant`;
    throw new ServiceUnavailableError(
      'keyless_tenant_unknown',
      `Keyless calls are configured to run as tenant '${this.options.families[family]?.tenant}' (${configKey}), which does not exist; create it or send an API key.`,
      { config_key: configKey },
    );
  }

  private async read(): Promise<void> {
    const tenants = await this.options.tenants.list();
    const resolved = new Map<KeylessFamily, KeylessTenant>();
    for (const [family, entry] of Object.entries(this.options.families) as [
      KeylessFamily,
      KeylessFamilyConfig | undefined,
    ][]) {
      if (!entry) continue;
      const tenant = tenants.find((row) => row.name === entry.tenant || row.id === entry.tenant);
      if (!tenant) {
        this.options.logger.warn(
          { config_key: `compat.keyless.${family}.tenant`, tenant: entry.tenant },
          'keyless calls name a tenant that does not exist; they answer 503 until it does',
        );
        continue;
      }
      resolved.set(family, {
        family,
        tenantId: tenant.id,
        group: tenant.group,
        apiKeyId: `keyless:${family}`,
        requestsPerMinute: entry.requestsPerMinute ?? this.options.defaults.requestsPerMinute,
        maxConcurrentJobs: entry.maxConcurrentJobs ?? this.options.defaults.maxConcurrentJobs,
      });
    }
    this.resolved = resolved;
  }
}
