import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runwareModels } from '../../src/providers/runware/runware-models.js';
import { GoogleFake } from '../fakes/google/google-fake.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'retirement-admin-key';
const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };

const JobSchema = z.looseObject({
  status: z.string(),
  provider: z.string().nullable(),
  attempts: z.array(
    z.looseObject({
      provider: z.string(),
      error: z.looseObject({ code: z.string() }).nullable(),
    }),
  ),
});
const ModelsSchema = z.object({
  data: z.array(
    z.looseObject({
      id: z.string(),
      providers: z.array(
        z.looseObject({
          provider: z.string(),
          available: z.boolean(),
          unavailable: z.looseObject({ code: z.string() }).nullable(),
        }),
      ),
    }),
  ),
});
const HealthSchema = z.looseObject({
  status: z.string(),
  providers: z.record(
    z.string(),
    z.looseObject({ unavailable_models: z.array(z.string()).optional() }),
  ),
  unavailable_offerings: z.array(z.looseObject({ provider: z.string(), model: z.string() })),
});
const AlertsSchema = z.object({ data: z.array(z.looseObject({ alert_type: z.string() })) });

async function call(url: string, method = 'GET', body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${url}`).toBe(200);
  return response.json();
}

/** The runware entry of `veo-3-fast` in an instance's `/v1/models`. */
async function runwareVeo(url: string) {
  const models = ModelsSchema.parse(await call(`${url}/v1/models`));
  return models.data
    .find((model) => model.id === 'veo-3-fast')!
    .providers.find((provider) => provider.provider === 'runware')!;
}

/** The `switchyard` CLI as an operator runs it, against one instance. */
function cli(url: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.resolve(import.meta.dirname, '../../bin/switchyard.js'), '--url', url, ...args],
      {
        env: {
          ...process.env,
          SWITCHYARD_ADMIN_KEY: adminKey,
          SWITCHYARD_API_KEY: '',
          SWITCHYARD_CLI_SOURCE: '1',
        },
      },
      (error, stdout) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

/** Reads until `accept` holds: another instance follows by NOTIFY (the test timeout bounds it). */
async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a retired model at the first provider, on two gateways sharing PostgreSQL', () => {
  let runware: RunwareFake;
  let google: GoogleFake;
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    runware = await RunwareFake.start();
    google = await GoogleFake.start({ apiKey: 'google-key' });
    // An operator's stale catalog entry: Veo 3 Fast (google:3@1), which Runware no longer serves.
    const stale = {
      ...runwareModels.find((model) => model.modelKey === 'veo-3-fast')!,
      providerModelId: 'google:3@1',
    };
    const config = {
      adminKey,
      providers: [
        {
          id: 'runware',
          type: 'runware',
          apiKey: 'test-key',
          baseUrl: runware.endpoint,
          models: [stale],
        },
        { id: 'google', type: 'google', apiKey: 'google-key', baseUrl: google.baseUrl },
      ],
      // Runware first; the backstop reload is an hour, so the second instance learns by NOTIFY.
      routing: { chain: ['runware', 'google'], reloadIntervalSeconds: 3600 },
      health: { checkIntervalSeconds: 0 },
      jobs: { maxSubmitRounds: 1 },
    };
    first = await startTestGateway('postgres', config);
    second = await startTestGateway('postgres', config, { databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await runware?.close();
    await google?.close();
  });

  async function generate(url: string) {
    return JobSchema.parse(
      await call(`${url}/v1/generations?wait=30`, 'POST', {
        model: 'veo-3-fast',
        prompt: 'a lighthouse at dusk',
      }),
    );
  }

  it('should fall back, mark the offering unavailable everywhere, skip it, and use it again once restored', async () => {
    const job = await generate(first.url);
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('google');
    expect(job.attempts.map((attempt) => [attempt.provider, attempt.error?.code ?? null])).toEqual([
      ['runware', 'provider_model_unavailable'],
      ['google', null],
    ]);

    expect(await runwareVeo(first.url)).toMatchObject({
      available: false,
      unavailable: { code: 'provider_model_unavailable' },
    });
    const health = HealthSchema.parse(await call(`${first.url}/api/health`));
    expect(health.status).toBe('degraded');
    expect(health.unavailable_offerings).toEqual([
      expect.objectContaining({ provider: 'runware', model: 'veo-3-fast' }),
    ]);
    expect(health.providers.runware?.unavailable_models).toEqual(['veo-3-fast']);

    // The other instance on the same database follows by NOTIFY.
    await until(
      () => runwareVeo(second.url),
      (entry) => !entry.available,
    );
    const submitted = runware.submissions();
    const again = await generate(second.url);
    expect(again.status).toBe('succeeded');
    expect(again.attempts.map((attempt) => attempt.provider)).toEqual(['google']);
    expect(runware.submissions()).toBe(submitted);

    const alerts = AlertsSchema.parse(await call(`${first.url}/admin/alerts?limit=50`));
    expect(alerts.data.filter((alert) => alert.alert_type === 'offering_unavailable')).toHaveLength(
      1,
    );

    // An operator lists and restores it with the CLI on the second instance; the first routes
    // to Runware again.
    const listed = await cli(second.url, ['--json', 'offerings']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      data: [{ provider: 'runware', model: 'veo-3-fast', provider_model_id: 'google:3@1' }],
    });
    const restoredByCli = await cli(second.url, [
      '--json',
      'offerings',
      'restore',
      'runware',
      'veo-3-fast',
      '--reason',
      'drill',
    ]);
    expect(restoredByCli.code).toBe(0);
    expect(JSON.parse(restoredByCli.stdout)).toMatchObject({
      provider: 'runware',
      model: 'veo-3-fast',
      available: true,
    });
    await until(
      () => runwareVeo(first.url),
      (entry) => entry.available,
    );
    const restored = await generate(first.url);
    expect(runware.submissions()).toBe(submitted + 1);
    expect(restored.attempts[0]).toMatchObject({
      provider: 'runware',
      error: { code: 'provider_model_unavailable' },
    });
    expect(restored.status).toBe('succeeded');
  });

  it('should refuse to restore an offering that is not marked', async () => {
    const response = await fetch(`${first.url}/admin/offerings/google/veo-3-fast/restore`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'unavailable_offering_not_found' },
    });
  });
});
