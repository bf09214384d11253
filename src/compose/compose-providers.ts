import type { Config } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderFactory } from '../providers/kernel/provider-factory.js';
import type { SafeFetchContext } from '../providers/kernel/safe-fetch-context.js';
import { loadProviders } from '../providers/load-providers.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { SsrfGuard } from '../security/ssrf-guard.js';
import type { Database } from '../store/database.js';

export interface ProvidersLayer {
  instances: ProviderInstances;
  /** Guard and limits for every download of a URL a provider or client handed us. */
  fetchContext: SafeFetchContext;
}

/** Builds the configured provider instances and logs what is on, in chain order. */
export function composeProviders(
  config: Config,
  runtime: {
    database: Database;
    env: NodeJS.ProcessEnv;
    now: () => number;
    factories: readonly ProviderFactory[];
    logger: Logger;
  },
): ProvidersLayer {
  const fetchContext: SafeFetchContext = {
    guard: new SsrfGuard({ allowedPrivateHosts: config.downloads.allowedPrivateHosts }),
    maxBytes: config.downloads.maxBytes,
    timeoutMs: config.downloads.timeoutMs,
  };
  const { database, env, now, factories, logger } = runtime;
  const { instances, summary } = loadProviders(
    config.providers,
    { database, fetchContext, env, now },
    factories,
  );
  for (const line of summary) logger.info(line);
  const chain = instances
    .list()
    .filter((instance) => instance.enabled)
    .map((instance) => instance.adapter.id);
  logger.info(`provider chain: ${chain.join(' → ')}`);
  return { instances, fetchContext };
}
