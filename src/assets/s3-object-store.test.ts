import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../test/helpers/s3-test-server.js';
import { GatewayError } from '../core/errors/index.js';
import { S3ObjectStore } from './s3-object-store.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('S3ObjectStore against s3rver on loopback', () => {
  let server: S3TestServer;
  let store: S3ObjectStore;
  beforeAll(async () => {
    server = await startS3TestServer();
    store = new S3ObjectStore({
      bucket: server.bucket,
      prefix: 'objects',
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      connectionTimeoutMs: 500,
      requestTimeoutMs: 5000,
    });
  });
  afterAll(async () => {
    store?.close();
    await server?.close();
  });

  const data = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 251));

  it('should put a buffer and get it back whole and by range', async () => {
    await store.put('ab/one', data, { contentType: 'image/png' });
    expect((await readAll(await store.get('ab/one'))).equals(data)).toBe(true);
    const part = await readAll(await store.get('ab/one', { start: 100, end: 199 }));
    expect(part.equals(data.subarray(100, 200))).toBe(true);
  });

  it('should stream a body of unknown length', async () => {
    const chunks = [data.subarray(0, 30_000), data.subarray(30_000)];
    await store.put('ab/streamed', Readable.from(chunks), { contentType: 'video/mp4' });
    expect((await readAll(await store.get('ab/streamed'))).equals(data)).toBe(true);
  });

  it('should delete objects, ignoring missing ones, and answer 404 for them afterwards', async () => {
    await store.put('ab/gone', data, { contentType: 'image/png' });
    await store.delete(['ab/gone', 'ab/never-there']);
    const error = await store.get('ab/gone').catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'asset_not_found', httpStatus: 404 });
  });

  it('should presign a GET URL that serves the object with its type', async () => {
    await store.put('ab/signed', data, { contentType: 'image/png' });
    const url = await store.presignedUrl('ab/signed', {
      expiresSeconds: 60,
      contentType: 'image/png',
      filename: 'x.png',
    });
    expect(url.startsWith(`${server.endpoint}/${server.bucket}/objects/ab/signed?`)).toBe(true);
    const response = await fetch(url, { headers: { range: 'bytes=0-9' } });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(data.subarray(0, 10))).toBe(true);
  });

  it('should report storage_unavailable quickly while the server is down, and recover', async () => {
    await store.check();
    await server.stop();
    try {
      for (const operation of [
        () => store.check(),
        () => store.put('ab/down', data, { contentType: 'image/png' }),
        () => store.get('ab/one'),
      ]) {
        const error = await operation().catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(GatewayError);
        expect(error).toMatchObject({
          code: 'storage_unavailable',
          httpStatus: 503,
          isRetryable: true,
        });
      }
    } finally {
      await server.start();
    }
    await store.check();
    expect((await readAll(await store.get('ab/one'))).equals(data)).toBe(true);
  });
});
