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
  /**
   * Guard and limits for downloads of URLs a provider handed us (results): configured private
   * hosts plus each provider's own base host and port.
   */
  fetchContext: SafeFetchContext;
  /**
   * Guard and limits for URLs a client handed us (input images): configured private hosts
   * only. A provider's base host is often a private address (a fake, a proxy, an internal
   * gateway); a client must not be able to make the gateway fetch from it.
   */
  inputFetchContext: SafeFetchContext;
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
  const inputFetchContext: SafeFetchContext = {
    ...fetchContext,
    guard: new SsrfGuard({ allowedPrivateHosts: config.downloads.allowedPrivateHosts }),
    // A client's image by URL is held like an uploaded one, so it gets the upload limit, not
    // the 512 MiB meant for provider videos (three 100 MiB "images" once took 900 MB of RSS).
    maxBytes: Math.min(config.uploads.maxBytes, config.downloads.maxBytes),
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
  return { instances, fetchContext, inputFetchContext };
}
