import pg from 'pg';
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

  it('should keep a small output in its database row, relayed by every instance and never presigned', async () => {
    // The default limit (16 KiB) and presigned redirects on: the row's bytes have no bucket URL.
    const storage = {
      ...s3.storageConfig('inline'),
      inlineMaxBytes: 16_384,
      s3: { ...s3.storageConfig().s3, presignedRedirects: true, presignedExpirySeconds: 30 },
    };
    const producer = await startTestGateway('postgres', { storage });
    const reader = await startTestGateway(
      'postgres',
      { storage },
      { databaseUrl: producer.databaseUrl, runWorkers: false },
    );
    const database = new pg.Client({ connectionString: producer.databaseUrl });
    await database.connect();
    try {
      const created = await postJson(`${producer.url}/v1/generations`, {
        model: 'sim-image',
        prompt: 'a lighthouse kept in its row',
        width: 64,
        height: 64,
      });
      const job = await waitForJob(producer.url, JobBody.parse(created.body).id);
      expect(job.status).toBe('succeeded');
      const { rows } = await database.query<{ storage_key: string | null; bytes: number }>(
        'SELECT storage_key, octet_length(inline_bytes) AS bytes FROM assets WHERE generation_id = $1',
        [job.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.storage_key).toBeNull();
      expect(rows[0]!.bytes).toBeLessThanOrEqual(16_384);

      const fromProducer = await fetch(outputUrl(job, producer.url), { redirect: 'manual' });
      expect(fromProducer.status).toBe(200);
      expect(fromProducer.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await fromProducer.arrayBuffer());
      expect(bytes.length).toBe(rows[0]!.bytes);
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      const fromReader = await fetch(outputUrl(job, reader.url), { redirect: 'manual' });
      expect(fromReader.status).toBe(200);
      expect(Buffer.from(await fromReader.arrayBuffer()).equals(bytes)).toBe(true);
      const ranged = await fetch(outputUrl(job, reader.url), { headers: { range: 'bytes=1-8' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(1, 9))).toBe(true);
    } finally {
      await database.end();
      await reader.close();
      await producer.close();
    }
  }, 60_000);
});
