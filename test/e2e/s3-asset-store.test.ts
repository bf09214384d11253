import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { postJson } from '../helpers/http-client.js';
import { JobBody, waitForJob } from '../helpers/api-schemas.js';

/** A job's first output, read through `baseUrl` (another instance than the one that made it). */
function outputUrl(job: JobBody, baseUrl: string): string {
  const url = new URL(job.outputs[0]!.url);
  return `${baseUrl}${url.pathname}`;
}

describe('two gateway instances with different data dirs sharing PostgreSQL and an S3 bucket', () => {
  let s3: S3TestServer;
  let instanceA: TestGateway;
  let instanceB: TestGateway;
  let presigning: TestGateway;
  beforeAll(async () => {
    s3 = await startS3TestServer();
    instanceA = await startTestGateway('postgres', { storage: s3.storageConfig() });
    // B does no work of its own: whatever it serves, A produced.
    instanceB = await startTestGateway(
      'postgres',
      { storage: s3.storageConfig() },
      { databaseUrl: instanceA.databaseUrl, runWorkers: false },
    );
    presigning = await startTestGateway(
      'postgres',
      {
        storage: {
          ...s3.storageConfig(),
          s3: { ...s3.storageConfig().s3, presignedRedirects: true, presignedExpirySeconds: 30 },
        },
      },
      { databaseUrl: instanceA.databaseUrl, runWorkers: false },
    );
  }, 60_000);
  afterAll(async () => {
    await presigning?.close();
    await instanceB?.close();
    await instanceA?.close();
    await s3?.close();
  });

  it('should serve from instance B, byte for byte and by range, the output instance A stored', async () => {
    const created = await postJson(`${instanceA.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'a shared lighthouse',
      width: 64,
      height: 64,
    });
    expect(created.status).toBe(202);
    const job = await waitForJob(instanceA.url, JobBody.parse(created.body).id);
    expect(job.status).toBe('succeeded');
    expect(instanceA.dataDir).not.toBe(instanceB.dataDir);

    const fromA = await fetch(outputUrl(job, instanceA.url));
    const bytesA = Buffer.from(await fromA.arrayBuffer());
    const fromB = await fetch(outputUrl(job, instanceB.url));
    expect(fromB.status).toBe(200);
    expect(fromB.headers.get('content-type')).toBe('image/png');
    const bytesB = Buffer.from(await fromB.arrayBuffer());
    expect(bytesB.length).toBeGreaterThan(0);
    expect(bytesB.equals(bytesA)).toBe(true);

    const ranged = await fetch(outputUrl(job, instanceB.url), { headers: { range: 'bytes=1-8' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1-8/${bytesB.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytesB.subarray(1, 9))).toBe(true);

    const unsatisfiable = await fetch(outputUrl(job, instanceB.url), {
      headers: { range: `bytes=${bytesB.length + 10}-` },
    });
    expect(unsatisfiable.status).toBe(416);
    expect(((await unsatisfiable.json()) as { error: { code: string } }).error.code).toBe(
      'range_not_satisfiable',
    );
  }, 60_000);

  it('should redirect to a short-lived presigned URL when configured', async () => {
    const created = await postJson(`${instanceA.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'a signed lighthouse',
      width: 64,
      height: 64,
    });
    const job = await waitForJob(instanceA.url, JobBody.parse(created.body).id);
    expect(job.status).toBe('succeeded');
    const redirect = await fetch(outputUrl(job, presigning.url), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/assets/`)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('30');
    const followed = await fetch(location);
    expect(followed.headers.get('content-type')).toBe('image/png');
    const direct = await fetch(outputUrl(job, instanceB.url));
    expect(
      Buffer.from(await followed.arrayBuffer()).equals(Buffer.from(await direct.arrayBuffer())),
    ).toBe(true);
  }, 60_000);
});
