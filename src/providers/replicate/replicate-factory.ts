import type { ProviderFactory } from '../kernel/provider-factory.js';
import { ReplicateAdapter } from './replicate-adapter.js';
import { ReplicateConfigSchema, type ReplicateConfig } from './replicate-config.js';

/**
 * The `replicate` provider type. `REPLICATE_API_TOKEN` alone enables it; `REPLICATE_BASE_URL`
 * points it at a proxy or fake (include `/v1`); `REPLICATE_ENABLED=false` switches it off.
 */
export const replicateFactory: ProviderFactory<ReplicateConfig> = {
  type: 'replicate',
  configSchema: ReplicateConfigSchema,
  environment: {
    apiKey: ['REPLICATE_API_TOKEN'],
    baseUrl: 'REPLICATE_BASE_URL',
    enabled: 'REPLICATE_ENABLED',
  },
  create: (config, runtime) => new ReplicateAdapter(config, runtime.now),
};
