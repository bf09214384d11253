import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/load-config.js';
import { SsrfGuard } from '../security/ssrf-guard.js';
import type { Database } from '../store/database.js';
import { loadProviders } from './load-providers.js';

const runtime = (env: NodeJS.ProcessEnv) => ({
  database: {} as Database,
  fetchContext: { guard: new SsrfGuard(), maxBytes: 1, timeoutMs: 1 },
  env,
  now: Date.now,
});

describe('loadProviders', () => {
  it('should read a provider switch only as the documented words', () => {
    const env = { RUNWARE_API_KEY: 'rw-key-1234' };
    const off = loadProviders(undefined, runtime({ ...env, RUNWARE_ENABLED: 'Off' }));
    expect(off.instances.list().map((instance) => instance.enabled)).toEqual([false]);
    expect(() => loadProviders(undefined, runtime({ ...env, RUNWARE_ENABLED: 'maybe' }))).toThrow(
      ConfigError,
    );
    expect(() => loadProviders(undefined, runtime({ ...env, RUNWARE_ENABLED: 'maybe' }))).toThrow(
      /RUNWARE_ENABLED: expected one of/,
    );
  });

  it('should name both entries of a duplicate provider id', () => {
    expect(() =>
      loadProviders(
        [
          { id: 'sim', type: 'simulator' },
          { id: 'sim', type: 'simulator' },
        ],
        runtime({}),
      ),
    ).toThrow("providers[1].id: duplicate provider id 'sim' (already used by providers[0])");
  });
});
