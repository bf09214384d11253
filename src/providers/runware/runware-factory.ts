import type { ProviderFactory } from '../kernel/provider-factory.js';
import { RunwareAdapter } from './runware-adapter.js';
import { RunwareConfigSchema, type RunwareConfig } from './runware-config.js';

/** The `runware` provider type: `RUNWARE_API_KEY` alone is enough to load it. */
export const runwareFactory: ProviderFactory<RunwareConfig> = {
  type: 'runware',
  configSchema: RunwareConfigSchema,
  environment: {
    apiKey: ['RUNWARE_API_KEY'],
    baseUrl: 'RUNWARE_BASE_URL',
    enabled: 'RUNWARE_ENABLED',
  },
  create: (config) => new RunwareAdapter(config),
};
