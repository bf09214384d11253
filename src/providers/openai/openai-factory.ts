import type { ProviderFactory } from '../kernel/provider-factory.js';
import { OpenAIAdapter } from './openai-adapter.js';
import { OpenAIConfigSchema, type OpenAIConfig } from './openai-config.js';

/**
 * The `openai` provider type: GPT Image 1 and DALL·E 3 (Images API) and Sora 2 (Videos API).
 * `OPENAI_API_KEY` alone enables it; `OPENAI_BASE_URL` points it at a proxy or fake.
 */
export const openaiFactory: ProviderFactory<OpenAIConfig> = {
  type: 'openai',
  configSchema: OpenAIConfigSchema,
  environment: {
    apiKey: ['OPENAI_API_KEY'],
    baseUrl: 'OPENAI_BASE_URL',
    enabled: 'OPENAI_ENABLED',
  },
  create: (config) => new OpenAIAdapter(config),
};
