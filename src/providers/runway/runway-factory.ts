import type { ProviderFactory } from '../kernel/provider-factory.js';
import { RunwayAdapter } from './runway-adapter.js';
import { RunwayConfigSchema, type RunwayConfig } from './runway-config.js';

/**
 * The `runway` provider type. `RUNWAYML_API_SECRET` alone enables it (the variable Runway's own
 * SDK reads); `RUNWAYML_BASE_URL` points it elsewhere (no `/v1`); `RUNWAYML_ENABLED=false`
 * switches it off.
 */
export const runwayFactory: ProviderFactory<RunwayConfig> = {
  type: 'runway',
  configSchema: RunwayConfigSchema,
  environment: {
    apiKey: ['RUNWAYML_API_SECRET'],
    baseUrl: 'RUNWAYML_BASE_URL',
    enabled: 'RUNWAYML_ENABLED',
  },
  create: (config) => new RunwayAdapter(config),
};
