import type { ProviderFactory } from '../kernel/provider-factory.js';
import { AimlapiAdapter } from './aimlapi-adapter.js';
import { AimlapiConfigSchema, type AimlapiConfig } from './aimlapi-config.js';

/** The `aimlapi` provider type: `AIMLAPI_API_KEY` alone is enough to load it. */
export const aimlapiFactory: ProviderFactory<AimlapiConfig> = {
  type: 'aimlapi',
  configSchema: AimlapiConfigSchema,
  environment: {
    apiKey: ['AIMLAPI_API_KEY'],
    baseUrl: 'AIMLAPI_BASE_URL',
    enabled: 'AIMLAPI_ENABLED',
  },
  create: (config) => new AimlapiAdapter(config),
};
