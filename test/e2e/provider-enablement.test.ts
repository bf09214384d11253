import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { z } from 'zod';
import { getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';

const secretKey = 'rw-SECRET-key-0123456789';
const adminKey = 'enablement-admin-key';

/** `GET /api/health`: one entry per provider, loaded or only known. */
const HealthBody = z.looseObject({ providers: z.record(z.string(), z.looseObject({})) });

/** Collects every log line the gateway writes. */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream) };
}

describe('providers enabled by environment variables', () => {
  let fake: RunwareFake;
  let test: TestGateway;
  const logs = captureLogs();
  beforeAll(async () => {
    fake = await RunwareFake.start({ apiKey: secretKey });
    test = await startTestGateway(
      'pglite',
      { adminKey, providers: undefined },
      {
        logger: logs.logger,
        env: {
          RUNWARE_API_KEY: secretKey,
          RUNWARE_BASE_URL: fake.endpoint,
          RUNWARE_ENABLED: 'false',
          FAL_KEY: '',
        },
      },
    );
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should load a provider from its key alone, log it and the chain, and honour <NAME>_ENABLED=false', async () => {
    expect(
      test.gateway.instances.list().map((instance) => [instance.adapter.id, instance.enabled]),
    ).toEqual([['runware', false]]);
    expect(logs.lines.some((line) => line.includes('provider runware (runware) [disabled]'))).toBe(
      true,
    );
    expect(logs.lines.some((line) => line.includes('provider chain:'))).toBe(true);
    const pinned = await postJson(
      `${test.url}/v1/generations`,
      {
        model: 'flux-schnell',
        prompt: 'x',
        provider: 'runware',
      },
      { authorization: `Bearer ${adminKey}` },
    );
    expect(pinned.status).toBe(403);
    expect(ErrorBody.parse(pinned.body).error.code).toBe('provider_disabled');
    const health = HealthBody.parse((await getJson(`${test.url}/api/health`)).body);
    expect(health.providers.runware).toMatchObject({ configured: true, enabled: false, ok: false });
    expect(health.providers.fal).toMatchObject({ configured: false });
  });

  it('should serve once switched on, and never show the key in logs or API output', async () => {
    const enabled = await fetch(`${test.url}/admin/providers/runware/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(enabled.status).toBe(200);
    const job = JobBody.parse(
      (
        await postJson(
          `${test.url}/v1/generations?wait=30`,
          {
            model: 'flux-schnell',
            prompt: 'a kite',
            width: 512,
            height: 512,
          },
          { authorization: `Bearer ${adminKey}` },
        )
      ).body,
    );
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('runware');
    const outputs = await Promise.all(
      [
        '/admin/providers',
        '/admin/providers/runware',
        '/api/health',
        '/v1/models',
        `/v1/generations/${job.id}`,
        '/admin/routing',
        '/metrics',
        '/openapi.json',
      ].map(async (path) =>
        (
          await fetch(`${test.url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } })
        ).text(),
      ),
    );
    for (const output of outputs) expect(output).not.toContain(secretKey);
    expect(logs.lines.length).toBeGreaterThan(5);
    for (const line of logs.lines) expect(line).not.toContain(secretKey);
  });
});
