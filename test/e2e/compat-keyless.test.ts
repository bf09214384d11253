import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../../src/config/load-config.js';
import { S1GenerateAnswerSchema } from '../../src/http/schemas/s1-runware-schemas.js';
import { S3GenerationAnswerSchema } from '../../src/http/schemas/s3-motif-schemas.js';
import {
  S5GenerateAnswerSchema,
  S5ListAnswerSchema,
} from '../../src/http/schemas/s5-video-schemas.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { ErrorBody, waitForJob } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { tenantFixtures } from '../helpers/tenant-fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'e2e-keyless-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const s1Body = {
  image_url: 'https://i.imgur.com/example.png',
  prompt: 'Cinematic motion...',
  duration: 5,
  resolution: '720p',
};
const s3Body = { prompt: 'balloons and confetti', style: 'party', user_id: 'kiosk_user' };
const s5Body = { prompt: 'waves at dusk', model: 'sim-video', duration: 4, userId: 'kiosk_user' };

const paths = {
  s1: '/api/v3/runware/videos/generations',
  s3: '/motif/generation/generate-from-prompt',
  s5: '/api/videos/generate',
};

async function patchTenant(url: string, id: string, body: Record<string, unknown>) {
  const response = await fetch(`${url}/admin/tenants/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...admin },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

function providers(fake: RunwareFake) {
  return [
    { id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: fake.endpoint },
    {
      id: 'simulator',
      type: 'simulator',
      costPerImage: 0.1,
      costPerSecond: 0.05,
      latencyMs: { p50: 10, p95: 20 },
    },
  ];
}

describe('keyless compatibility clients under auth', { timeout: 60_000 }, () => {
  let fake: RunwareFake;
  let keyless: TestGateway;
  let keyed: TestGateway;
  let kiosk: { tenant: { id: string }; key: string };
  let other: { tenant: { id: string }; key: string };
  beforeAll(async () => {
    fake = await RunwareFake.start();
    keyless = await startTestGateway('pglite', {
      adminKey,
      providers: providers(fake),
      compat: {
        keyless: {
          s1: { tenant: 'kiosk', requestsPerMinute: 5 },
          s3: { tenant: 'kiosk' },
          // Named before the tenant exists: 503 until it is created, then served.
          s5: { tenant: 'video-app', requestsPerMinute: 1000 },
        },
      },
      jobs: { maxSubmitRounds: 1 },
    });
    keyed = await startTestGateway('pglite', { adminKey, providers: providers(fake) });
    const fixtures = tenantFixtures(keyless.url, adminKey);
    kiosk = await fixtures.tenantWithKey({ name: 'kiosk' });
    other = await fixtures.tenantWithKey({ name: 'other' });
  });
  afterAll(async () => {
    await keyless?.close();
    await keyed?.close();
    await fake?.close();
  });

  it.each(Object.entries(paths))(
    'should refuse a keyless %s call with 401 when keyless is off',
    async (_family, path) => {
      const { status, body } = await postJson(`${keyed.url}${path}`, {});
      expect(status).toBe(401);
      expect(ErrorBody.parse(body).error.code).toBe('missing_api_key');
    },
  );

  it('should serve a keyless S1 call as the configured tenant', async () => {
    const { status, body } = await postJson(`${keyless.url}${paths.s1}`, s1Body);
    expect(status).toBe(200);
    const { id } = S1GenerateAnswerSchema.parse(body);
    // The job is the kiosk tenant's: its key sees it, another tenant's does not.
    expect((await getJson(`${keyless.url}/v1/generations/${id}`, bearer(kiosk.key))).status).toBe(
      200,
    );
    expect((await getJson(`${keyless.url}/v1/generations/${id}`, bearer(other.key))).status).toBe(
      404,
    );
  });

  it('should serve a keyless S3 call as the configured tenant', async () => {
    const { status, body } = await postJson(`${keyless.url}${paths.s3}`, s3Body);
    expect(status).toBe(200);
    const answer = S3GenerationAnswerSchema.parse(body);
    const id = answer.generation_id;
    expect((await getJson(`${keyless.url}/v1/generations/${id}`, bearer(kiosk.key))).status).toBe(
      200,
    );
    expect((await getJson(`${keyless.url}/v1/generations/${id}`, bearer(other.key))).status).toBe(
      404,
    );
  });

  it('should still check a key that is sent: an invalid one is 401, a valid one is its tenant', async () => {
    const invalid = await postJson(`${keyless.url}${paths.s3}`, s3Body, bearer('sy-nope'));
    expect(invalid.status).toBe(401);
    expect(ErrorBody.parse(invalid.body).error.code).toBe('invalid_api_key');
    const theirs = await postJson(`${keyless.url}${paths.s3}`, s3Body, bearer(other.key));
    expect(theirs.status).toBe(200);
    const id = S3GenerationAnswerSchema.parse(theirs.body).generation_id;
    expect((await getJson(`${keyless.url}/v1/generations/${id}`, bearer(other.key))).status).toBe(
      200,
    );
    expect((await getJson(`${keyless.url}/v1/generations/${id}`, bearer(kiosk.key))).status).toBe(
      404,
    );
  });

  it('should answer 503 naming the config key while the S5 tenant does not exist, then serve it', async () => {
    const refused = await postJson(`${keyless.url}${paths.s5}`, s5Body);
    expect(refused.status).toBe(503);
    const { error } = ErrorBody.parse(refused.body);
    expect(error.code).toBe('keyless_tenant_unknown');
    expect(error.message).toContain('compat.keyless.s5.tenant');
    expect(error.message).toContain("'video-app'");

    const created = await postJson(`${keyless.url}/admin/tenants`, { name: 'video-app' }, admin);
    expect(created.status).toBe(201);
    // Tenants are re-read on the tenancy NOTIFY: no restart.
    await vi.waitFor(
      async () => expect((await postJson(`${keyless.url}${paths.s5}`, s5Body)).status).toBe(200),
      { timeout: 5000, interval: 100 },
    );
  });

  it("should show keyless S5 callers only their tenant's jobs", async () => {
    const generated = await postJson(`${keyless.url}${paths.s5}`, s5Body);
    const { jobId } = S5GenerateAnswerSchema.parse(generated.body);
    await waitForJob(keyless.url, jobId, 30_000, admin);
    expect((await getJson(`${keyless.url}/api/videos/status/${jobId}`)).status).toBe(200);
    // Another tenant's job, same user id: not visible keyless, by status or by list.
    const theirs = S5GenerateAnswerSchema.parse(
      (await postJson(`${keyless.url}${paths.s5}`, s5Body, bearer(other.key))).body,
    );
    await waitForJob(keyless.url, theirs.jobId, 30_000, admin);
    const status = await getJson(`${keyless.url}/api/videos/status/${theirs.jobId}`);
    expect(status.status).toBe(404);
    const list = S5ListAnswerSchema.parse(
      (await getJson(`${keyless.url}/api/videos/jobs?userId=kiosk_user&limit=50`)).body,
    );
    const ids = list.jobs.map((job) => job.id);
    expect(ids).toContain(jobId);
    expect(ids).not.toContain(theirs.jobId);
  });

  it("should refuse keyless calls with 402 when the tenant's balance is 0", async () => {
    await patchTenant(keyless.url, kiosk.tenant.id, { balance_usd: 0 });
    const s3 = await postJson(`${keyless.url}${paths.s3}`, s3Body);
    expect(s3.status).toBe(402);
    expect(ErrorBody.parse(s3.body).error.code).toBe('insufficient_quota');
    const s1 = await postJson(`${keyless.url}${paths.s1}`, s1Body);
    expect(s1.status).toBe(402);
    // The other tenant's key is not affected.
    expect((await postJson(`${keyless.url}${paths.s3}`, s3Body, bearer(other.key))).status).toBe(
      200,
    );
    const tenant = z
      .looseObject({ balance_usd: z.number().nullable() })
      .parse((await getJson(`${keyless.url}/admin/tenants/${kiosk.tenant.id}`, admin)).body);
    expect(tenant.balance_usd).toBe(0);
  });

  it("should count a family's keyless calls together against its requestsPerMinute", async () => {
    const download = `${keyless.url}/api/v3/runware/download?url=x`;
    const statuses: number[] = [];
    // Two S1 calls were made above; 5 a minute, so one of the next ten is refused at the latest.
    for (let index = 0; index < 10 && !statuses.includes(429); index++)
      statuses.push((await fetch(download)).status);
    expect(statuses).toContain(429);
    const refused = await fetch(download);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(ErrorBody.parse(await refused.json()).error.code).toBe('rate_limited');
    // A key of the same tenant has its own counter.
    expect((await fetch(download, { headers: bearer(kiosk.key) })).status).toBe(400);
  });

  it('should stop start-up when compat.keyless names an unknown family, naming the key', () => {
    expect(() => parseConfig({ compat: { keyless: { s2: { tenant: 'kiosk' } } } })).toThrow(
      ConfigError,
    );
    expect(() => parseConfig({ compat: { keyless: { s2: { tenant: 'kiosk' } } } })).toThrow(
      /compat\.keyless: Unrecognized key: "s2"/,
    );
  });
});
