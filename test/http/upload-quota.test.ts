import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakePng } from '../fakes/fake-media.js';
import { ErrorBody } from '../helpers/api-schemas.js';
import { tenantFixtures } from '../helpers/tenant-fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'admin-key-for-upload-quotas';
const hourMs = 60 * 60 * 1000;

describe('upload quota per tenant (storage.uploadBytesPerDay)', () => {
  let test: TestGateway;
  let png: Buffer;
  let now = Date.parse('2026-06-01T12:00:00Z');
  let acme: string;
  let globex: string;
  beforeAll(async () => {
    png = await fakePng();
    test = await startTestGateway(
      'pglite',
      { adminKey, storage: { uploadBytesPerDay: Math.floor(png.length * 2.5) } },
      { now: () => now },
    );
    const fixtures = tenantFixtures(test.url, adminKey);
    acme = (await fixtures.tenantWithKey({ name: 'acme' })).key;
    globex = (await fixtures.tenantWithKey({ name: 'globex' })).key;
  }, 60_000);
  afterAll(async () => {
    await test?.close();
  });

  const upload = (key: string) =>
    fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${key}` },
      body: png,
    });

  it('should answer 429 upload_quota_exceeded past the daily bytes, per tenant, until the window moves', async () => {
    expect((await upload(acme)).status).toBe(201);
    expect((await upload(acme)).status).toBe(201);
    const refused = await upload(acme);
    expect(refused.status).toBe(429);
    const body = ErrorBody.parse(await refused.json());
    expect(body.error.code).toBe('upload_quota_exceeded');
    expect(body.error.details).toMatchObject({
      limitBytes: Math.floor(png.length * 2.5),
      usedBytes: png.length * 2,
      fileBytes: png.length,
      windowHours: 24,
    });
    // Another tenant has its own allowance.
    expect((await upload(globex)).status).toBe(201);
    now += 23 * hourMs;
    expect((await upload(acme)).status).toBe(429);
    now += 2 * hourMs;
    expect((await upload(acme)).status).toBe(201);
  }, 60_000);
});
