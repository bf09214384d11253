import type { Config } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import { ApiKeyRepository } from '../store/repositories/api-key-repository.js';
import { TenantRepository } from '../store/repositories/tenant-repository.js';
import { ApiKeyCache } from '../tenancy/api-key-cache.js';
import { KeylessTenants } from '../tenancy/keyless-tenants.js';
import { loadApiKeySecret } from '../tenancy/load-api-key-secret.js';
import { TenancyAdmin } from '../tenancy/tenancy-admin.js';
import type { StoreLayer } from './compose-store.js';

/** Tenants, API keys and the per-process key cache. */
export interface TenancyLayer {
  /** Every key in memory, reloaded on NOTIFY; started and stopped by the lifecycle. */
  cache: ApiKeyCache;
  admin: TenancyAdmin;
  /** The tenants keyless compatibility calls run as (`compat.keyless`); auth mode only. */
  keyless: KeylessTenants;
  /** Whether /v1 routes need a key (`SWITCHYARD_ADMIN_KEY` set). */
  authMode: 'open' | 'api_keys';
}

/** Wires tenancy and says which auth mode the gateway runs in. */
export async function composeTenancy(
  config: Config,
  store: Pick<StoreLayer, 'database'>,
  options: { logger: Logger; now: () => number },
): Promise<TenancyLayer> {
  const { database } = store;
  const secret = await loadApiKeySecret(database, config.secretKey);
  const keys = new ApiKeyRepository(database);
  const cache = new ApiKeyCache({
    database,
    keys,
    secret,
    reloadIntervalMs: config.tenancy.reloadIntervalSeconds * 1000,
    lastUsedFlushMs: config.tenancy.lastUsedFlushSeconds * 1000,
    now: options.now,
    logger: options.logger,
  });
  const admin = new TenancyAdmin({
    tenants: new TenantRepository(database),
    keys,
    cache,
    secret,
    now: options.now,
  });
  const authMode = config.adminKey ? 'api_keys' : 'open';
  // Keyless calls matter only when keys are required: an open gateway takes every call anyway.
  const keyless = new KeylessTenants({
    database,
    tenants: new TenantRepository(database),
    families: authMode === 'api_keys' ? config.compat.keyless : {},
    defaults: {
      requestsPerMinute: config.rateLimits.defaultRequestsPerMinute,
      maxConcurrentJobs: config.rateLimits.defaultMaxConcurrentJobs,
    },
    reloadIntervalMs: config.tenancy.reloadIntervalSeconds * 1000,
    logger: options.logger,
  });
  if (authMode === 'open') {
    options.logger.info(
      'auth: open single-tenant gateway (SWITCHYARD_ADMIN_KEY is not set; API routes need no key)',
    );
  } else {
    options.logger.info(
      'auth: API keys required on /v1 and /api/videos routes (admin key or a tenant key)',
    );
    for (const [family, entry] of Object.entries(config.compat.keyless)) {
      if (!entry) continue;
      options.logger.warn(
        { family, tenant: entry.tenant },
        `auth: ${family} compatibility routes accept calls without a key as tenant '${entry.tenant}' (compat.keyless.${family}); anyone who reaches them spends its balance`,
      );
    }
  }
  return { cache, admin, keyless, authMode };
}
