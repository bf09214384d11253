import { describe, expect, it } from 'vitest';
import { falFactory } from '../../../src/providers/fal/fal-factory.js';
import { kieaiFactory } from '../../../src/providers/kieai/kieai-factory.js';
import { loadProviders } from '../../../src/providers/load-providers.js';
import type { ProviderRuntime } from '../../../src/providers/kernel/provider-factory.js';

const runtime = (env: NodeJS.ProcessEnv) =>
  ({
    env,
    now: Date.now,
    database: undefined,
    fetchContext: { guard: { addAllowedHost: () => undefined } },
  }) as unknown as ProviderRuntime;

describe('fal and Kie.ai factories from the environment', () => {
  it('should load fal from FALAI_API_KEY and Kie.ai from KIEAI_API_KEY with KIEAI_WEBHOOK_HMAC_KEY', () => {
    const { instances } = loadProviders(
      undefined,
      runtime({
        FALAI_API_KEY: 'f',
        KIEAI_API_KEY: 'k',
        KIEAI_WEBHOOK_HMAC_KEY: 'h',
        KIEAI_BASE_URL: 'http://127.0.0.1:9',
      }),
      [falFactory, kieaiFactory],
    );
    const fal = instances.adapter('fal');
    const kieai = instances.adapter('kieai');
    expect(fal?.type).toBe('fal');
    expect(kieai?.type).toBe('kieai');
    expect(kieai?.parseWebhook).toBeTypeOf('function');
  });

  it('should load fal from FAL_KEY and leave Kie.ai without callbacks when no HMAC key is set', () => {
    const { instances } = loadProviders(
      undefined,
      runtime({ FAL_KEY: 'f', FALAI_API_KEY: 'other', KIEAI_API_KEY: 'k' }),
      [falFactory, kieaiFactory],
    );
    expect(instances.adapter('kieai')?.parseWebhook).toBeUndefined();
    expect(instances.adapter('fal')?.parseWebhook).toBeTypeOf('function');
  });
});
