import { describe, expect, it } from 'vitest';
import { SsrfGuard } from '../../security/ssrf-guard.js';
import type { Database } from '../../store/database.js';
import { loadProviders } from '../load-providers.js';
import { replicateFactory } from './replicate-factory.js';

const runtime = (env: NodeJS.ProcessEnv) => ({
  // The Replicate adapter never touches the database.
  database: undefined as unknown as Database,
  fetchContext: { guard: new SsrfGuard({}), maxBytes: 1024, timeoutMs: 1000 },
  env,
  now: Date.now,
});

describe('replicateFactory', () => {
  it('should load a replicate instance from REPLICATE_API_TOKEN alone, with REPLICATE_BASE_URL', () => {
    const { instances, summary } = loadProviders(
      [],
      runtime({ REPLICATE_API_TOKEN: 'r8_secret', REPLICATE_BASE_URL: 'http://127.0.0.1:9/v1' }),
      [replicateFactory],
    );
    const adapter = instances.adapter('replicate');
    expect(adapter?.type).toBe('replicate');
    expect(adapter?.models.map((model) => model.modelKey)).toEqual([
      'haiper-v2',
      'kling-v1.6-pro',
      'flux-schnell',
    ]);
    expect(summary.join('\n')).not.toContain('r8_secret');
  });

  it('should honour REPLICATE_ENABLED=false', () => {
    const { instances } = loadProviders(
      [],
      runtime({ REPLICATE_API_TOKEN: 'r8_secret', REPLICATE_ENABLED: 'false' }),
      [replicateFactory],
    );
    expect(instances.get('replicate')?.enabled).toBe(false);
  });

  it('should reject unknown fields and a webhook secret without the whsec_ prefix', () => {
    expect(() =>
      loadProviders(
        [{ id: 'replicate', type: 'replicate', apiKey: 'k', webhookSecrett: 'x' }],
        runtime({}),
        [replicateFactory],
      ),
    ).toThrow(/webhookSecrett/);
    expect(() =>
      loadProviders(
        [{ id: 'replicate', type: 'replicate', apiKey: 'k', webhookSecret: 'abc' }],
        runtime({}),
        [replicateFactory],
      ),
    ).toThrow(/webhookSecret/);
  });
});
