import { describe, expect, it } from 'vitest';
import { SsrfGuard } from '../../security/ssrf-guard.js';
import type { Database } from '../../store/database.js';
import { loadProviders } from '../load-providers.js';
import { runwayFactory } from './runway-factory.js';

const runtime = (env: NodeJS.ProcessEnv) => ({
  // The Runway adapter never touches the database.
  database: undefined as unknown as Database,
  fetchContext: { guard: new SsrfGuard({}), maxBytes: 1024, timeoutMs: 1000 },
  env,
  now: Date.now,
});

describe('runwayFactory', () => {
  it('should load a runway instance from RUNWAYML_API_SECRET alone, with defaults', () => {
    const { instances } = loadProviders(
      [],
      runtime({ RUNWAYML_API_SECRET: 'key_abc', RUNWAYML_BASE_URL: 'http://127.0.0.1:9' }),
      [runwayFactory],
    );
    const adapter = instances.adapter('runway');
    expect(adapter?.type).toBe('runway');
    expect(adapter?.models.map((model) => model.modelKey)).toEqual(['gen4_turbo', 'gen4_image']);
  });

  it('should honour RUNWAYML_ENABLED=false and reject a malformed API version', () => {
    const { instances } = loadProviders(
      [],
      runtime({ RUNWAYML_API_SECRET: 'key_abc', RUNWAYML_ENABLED: 'false' }),
      [runwayFactory],
    );
    expect(instances.get('runway')?.enabled).toBe(false);
    expect(() =>
      loadProviders(
        [{ id: 'runway', type: 'runway', apiKey: 'k', apiVersion: 'latest' }],
        runtime({}),
        [runwayFactory],
      ),
    ).toThrow(/apiVersion/);
  });
});
