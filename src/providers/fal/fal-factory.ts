import type { ProviderFactory } from '../kernel/provider-factory.js';
import { FalAdapter } from './fal-adapter.js';
import { FalConfigSchema, type FalConfig } from './fal-config.js';

/** fal.ai (`type: fal`); `FAL_KEY` (or `FALAI_API_KEY`) alone enables it. */
export const falFactory: ProviderFactory<FalConfig> = {
  type: 'fal',
  configSchema: FalConfigSchema,
  environment: {
    apiKey: ['FAL_KEY', 'FALAI_API_KEY'],
    baseUrl: 'FAL_BASE_URL',
    enabled: 'FAL_ENABLED',
  },
  create: (config, runtime) => new FalAdapter(config, runtime.now),
};
