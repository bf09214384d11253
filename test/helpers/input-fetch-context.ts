import { composeProviders } from '../../src/compose/compose-providers.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/observability/logger.js';
import type { SafeFetchContext } from '../../src/providers/kernel/safe-fetch-context.js';
import { providerFactories } from '../../src/providers/registry.js';
import type { Database } from '../../src/store/database.js';

/**
 * The SSRF guard and limits the gateway builds for client input images from `config` (as
 * `composeProviders` does at start-up), so a test exercises the real limits, not its own.
 */
export function inputFetchContextFor(database: Database, config: unknown): SafeFetchContext {
  return composeProviders(parseConfig(config), {
    database,
    env: {},
    now: Date.now,
    factories: providerFactories,
    logger: createLogger('silent'),
  }).inputFetchContext;
}
