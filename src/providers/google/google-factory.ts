import type { ProviderFactory } from '../kernel/provider-factory.js';
import { GoogleAdapter } from './google-adapter.js';
import { GoogleConfigSchema, type GoogleConfig } from './google-config.js';

/**
 * The `google` provider type: the Gemini Developer API (Gemini image models and Veo).
 * `GEMINI_API_KEY` alone enables it; `GEMINI_BASE_URL` points it at a proxy or fake.
 */
export const googleFactory: ProviderFactory<GoogleConfig> = {
  type: 'google',
  configSchema: GoogleConfigSchema,
  environment: {
    apiKey: ['GEMINI_API_KEY'],
    baseUrl: 'GEMINI_BASE_URL',
    enabled: 'GEMINI_ENABLED',
  },
  create: (config) => new GoogleAdapter(config),
};
