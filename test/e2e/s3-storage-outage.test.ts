import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { JobBody, waitForJob } from '../helpers/api-schemas.js';
import { fakePng } from '../fakes/fake-media.js';

describe('the S3 asset store going down and coming back', () => {
  let s3: S3TestServer;
  let test: TestGateway;
  // The health cache runs on the gateway's clock; moving it past the cache makes /readyz ask.
  let offsetMs = 0;
  const passCache = () => (offsetMs += 10_000);
  beforeAll(async () => {
    s3 = await startS3TestServer();
    test = await startTestGateway(
      'postgres',
      {
        providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 800, p95: 800 } }],
        storage: { ...s3.storageConfig(), outputRetryWindowSeconds: 3, healthCacheSeconds: 5 },
      },
      { now: () => Date.now() + offsetMs },
    );
  }, 60_000);
  afterAll(async () => {
    await test?.close();
    await s3?.close();
  });

  it('should end the job as storage_unavailable after bounded retries, report it in /readyz, and recover', async () => {
    expect((await getJson(`${test.url}/readyz`)).status).toBe(200);
    const before = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await fakePng(),
    });
    const uploaded = (await before.json()) as { id: string };
    const created = await postJson(`${test.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'a lighthouse nobody can store',
      width: 64,
      height: 64,
    });
    expect(created.status).toBe(202);
    const accepted = JobBody.parse(created.body);
    await s3.stop();

    const job = await waitForJob(test.url, accepted.id, 60_000);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('storage_unavailable');
    expect(job.attempts).toHaveLength(1);

    passCache();
    const down = await getJson(`${test.url}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ ok: false, checks: { storage: { ok: false } } });
    const upload = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await fakePng(),
    });
    expect(upload.status).toBe(503);
    expect(((await upload.json()) as { error: { code: string } }).error.code).toBe(
      'storage_unavailable',
    );

    const unreadable = await fetch(`${test.url}/v1/assets/${uploaded.id}`);
    expect(unreadable.status).toBe(503);
    expect(unreadable.headers.get('retry-after')).toBe('2');
    expect(((await unreadable.json()) as { error: { code: string } }).error.code).toBe(
      'storage_unavailable',
    );

    await s3.start();
    // Still the cached answer until the cache expires on the gateway's clock.
    expect((await getJson(`${test.url}/readyz`)).status).toBe(503);
    passCache();
    const up = await getJson(`${test.url}/readyz`);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ ok: true, checks: { storage: { ok: true } } });

    const again = await postJson(`${test.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'a lighthouse stored after all',
      width: 64,
      height: 64,
    });
    const stored = await waitForJob(test.url, JobBody.parse(again.body).id, 60_000);
    expect(stored.status).toBe('succeeded');
    const file = await fetch(stored.outputs[0]!.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const readable = await fetch(`${test.url}/v1/assets/${uploaded.id}`);
    expect(Buffer.from(await readable.arrayBuffer()).equals(await fakePng())).toBe(true);
  }, 120_000);
});
