import type { ProviderFactory } from '../kernel/provider-factory.js';
import { KieaiAdapter } from './kieai-adapter.js';
import { KieaiConfigSchema, type KieaiConfig } from './kieai-config.js';

/** Kie.ai (`type: kieai`); `KIEAI_API_KEY` alone enables it. */
export const kieaiFactory: ProviderFactory<KieaiConfig> = {
  type: 'kieai',
  configSchema: KieaiConfigSchema,
  environment: { apiKey: ['KIEAI_API_KEY'], baseUrl: 'KIEAI_BASE_URL', enabled: 'KIEAI_ENABLED' },
  // The callback key is a secret like the API key, so it may come from the environment too.
  create: (config, runtime) =>
    new KieaiAdapter(
      {
        ...config,
        webhookHmacKey: config.webhookHmacKey ?? (runtime.env.KIEAI_WEBHOOK_HMAC_KEY || undefined),
      },
      runtime.now,
    ),
};
