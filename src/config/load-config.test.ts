import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';
import { loadProviders } from '../providers/load-providers.js';
import { SsrfGuard } from '../security/ssrf-guard.js';
import type { Database } from '../store/database.js';

async function file(name: string, text: string): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-config-'));
  const target = path.join(directory, name);
  await writeFile(target, text);
  return target;
}

const runtime = (env: NodeJS.ProcessEnv = {}) => ({
  database: {} as Database,
  fetchContext: { guard: new SsrfGuard(), maxBytes: 1, timeoutMs: 1 },
  env,
  now: Date.now,
});

describe('loadConfig', () => {
  it('should use the documented defaults with no file and no env', async () => {
    const config = await loadConfig({});
    expect(config).toMatchObject({ port: 8787, dataDir: './data', logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
    expect(
      loadProviders(config.providers, runtime())
        .instances.list()
        .map((instance) => instance.adapter.id),
    ).toEqual(['simulator']);
  });

  it('should read YAML and let env override it', async () => {
    const yaml = await file(
      'switchyard.yaml',
      'port: 9000\nproviders:\n  - id: sim-a\n    type: simulator\n    failureRate: 0.5\n',
    );
    const config = await loadConfig({
      SWITCHYARD_CONFIG: yaml,
      PORT: '9100',
      DATABASE_URL: 'postgres://x/y',
    });
    expect(config.port).toBe(9100);
    expect(config.databaseUrl).toBe('postgres://x/y');
    const { instances } = loadProviders(config.providers, runtime());
    expect(instances.list()[0]?.adapter.id).toBe('sim-a');
  });

  it('should take REDIS_URL for shared rate limits, and leave the limits off by default', async () => {
    const config = await loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(config.rateLimits.defaultRequestsPerMinute).toBeUndefined();
    expect(config.rateLimits.defaultMaxConcurrentJobs).toBeUndefined();
    expect((await loadConfig({})).redisUrl).toBeUndefined();
  });

  it("should leave S1's per-request api_key off unless the file or SWITCHYARD_S1_ALLOW_REQUEST_API_KEY turns it on", async () => {
    expect((await loadConfig({})).compat.s1.allowRequestApiKey).toBe(false);
    const yaml = await file('s1.yaml', 'compat:\n  s1:\n    waitSeconds: 30\n');
    const on = await loadConfig({
      SWITCHYARD_CONFIG: yaml,
      SWITCHYARD_S1_ALLOW_REQUEST_API_KEY: 'true',
    });
    expect(on.compat.s1).toMatchObject({ allowRequestApiKey: true, waitSeconds: 30 });
    const off = await loadConfig({ SWITCHYARD_S1_ALLOW_REQUEST_API_KEY: 'off' });
    expect(off.compat.s1.allowRequestApiKey).toBe(false);
  });

  it('should stop with a message naming the bad field', async () => {
    const json = await file('switchyard.json', JSON.stringify({ jobs: { pollInitialMs: 'fast' } }));
    await expect(loadConfig({ SWITCHYARD_CONFIG: json })).rejects.toThrow(/jobs\.pollInitialMs/);
  });

  it('should reject unknown top-level keys (typos)', async () => {
    const json = await file('switchyard.json', JSON.stringify({ prot: 8080 }));
    await expect(loadConfig({ SWITCHYARD_CONFIG: json })).rejects.toBeInstanceOf(ConfigError);
  });

  it('should name the provider entry and field of a bad provider', async () => {
    const yaml = await file(
      'c.yaml',
      'providers:\n  - id: sim\n    type: simulator\n  - id: sim-b\n    type: simulator\n    latencyMs: { p50: 100, p95: 10 }\n',
    );
    const config = await loadConfig({ SWITCHYARD_CONFIG: yaml });
    expect(() => loadProviders(config.providers, runtime())).toThrow(/providers\[1\]\.latencyMs/);
  });

  it('should reject an unknown provider type', async () => {
    const yaml = await file('c.yaml', 'providers:\n  - id: x\n    type: dalle-classic\n');
    const config = await loadConfig({ SWITCHYARD_CONFIG: yaml });
    expect(() => loadProviders(config.providers, runtime())).toThrow(
      /providers\[0\]\.type: unknown provider type 'dalle-classic'/,
    );
  });

  it('should take SWITCHYARD_DB_PREPARED_STATEMENTS (0 turns prepared statements off) and name it when bad', async () => {
    expect((await loadConfig({})).databasePreparedStatements).toBe(500);
    const off = await loadConfig({ SWITCHYARD_DB_PREPARED_STATEMENTS: '0' });
    expect(off.databasePreparedStatements).toBe(0);
    await expect(loadConfig({ SWITCHYARD_DB_PREPARED_STATEMENTS: '-1' })).rejects.toThrow(
      /SWITCHYARD_DB_PREPARED_STATEMENTS/,
    );
    await expect(loadConfig({ SWITCHYARD_DB_PREPARED_STATEMENTS: 'many' })).rejects.toThrow(
      /SWITCHYARD_DB_PREPARED_STATEMENTS/,
    );
  });

  it('should fail clearly on unparseable files and bad env numbers', async () => {
    const broken = await file('c.json', '{ nope');
    await expect(loadConfig({ SWITCHYARD_CONFIG: broken })).rejects.toThrow(/Cannot parse/);
    await expect(loadConfig({ PORT: 'eighty' })).rejects.toThrow(/PORT/);
    await expect(loadConfig({ SWITCHYARD_CONFIG: '/nonexistent/file.yaml' })).rejects.toThrow(
      /Cannot read/,
    );
  });
  it("should map S3's routing env vars, gemini naming the google instance", async () => {
    const config = await loadConfig({
      PRIMARY_IMAGE_PROVIDER: 'runware',
      FALLBACK_IMAGE_PROVIDERS: 'gemini',
      SERVICE_ROUTING_STRATEGY: 'health_based',
      SERVICE_HEALTH_CHECK_INTERVAL: '45',
    });
    expect(config.routing).toMatchObject({
      primary: 'runware',
      chain: ['runware', 'google'],
      strategy: 'health_based',
    });
    expect(config.health.checkIntervalSeconds).toBe(45);
  });
});
