import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMp4, fakePng } from '../../test/fakes/fake-media.js';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import { startS3TestServer, type S3TestServer } from '../../test/helpers/s3-test-server.js';
import { GatewayError } from '../core/errors/index.js';
import type { ObjectStore } from '../core/object-store.js';
import type { Database } from '../store/database.js';
import { AssetStore } from './asset-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

/** `data` in 64 KiB chunks, optionally failing after `failAfter` bytes as a broken download. */
function chunked(data: Buffer, failAfter?: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && offset >= failAfter) {
        this.destroy(
          new GatewayError({ code: 'download_failed', message: 'reset', httpStatus: 502 }),
        );
        return;
      }
      if (offset >= data.length) return void this.push(null);
      this.push(data.subarray(offset, offset + 65_536));
      offset += 65_536;
    },
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('AssetStore.writeStream', () => {
  let database: Database;
  let close: () => Promise<void>;
  let s3: S3TestServer;
  let s3Store: S3ObjectStore;
  let dataDir: string;
  let video: Buffer;
  beforeAll(async () => {
    ({ database, close } = await openMigratedDatabase('pglite'));
    s3 = await startS3TestServer();
    s3Store = new S3ObjectStore({
      bucket: s3.bucket,
      prefix: 'stream',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      connectionTimeoutMs: 500,
      requestTimeoutMs: 5000,
    });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-stream-'));
    // A real MP4 followed by 20 MiB: larger than one multipart part, sniffed from its head.
    video = Buffer.concat([await fakeMp4(), randomBytes(20 * 1024 * 1024)]);
  });
  afterAll(async () => {
    s3Store?.close();
    await s3?.close();
    await close?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  const stores = (): [string, ObjectStore][] => [
    ['s3', s3Store],
    ['local', new LocalObjectStore(path.join(dataDir, 'assets'))],
  ];

  it('should stream a video into each store with its size, hash and type', async () => {
    for (const [, objects] of stores()) {
      const assets = new AssetStore(database, objects);
      const prepared = await assets.writeStream({
        body: chunked(video),
        purpose: 'output',
        claimedMimeType: 'application/octet-stream',
      });
      expect(prepared).toMatchObject({
        mimeType: 'video/mp4',
        bytes: video.length,
        width: 64,
        height: 64,
        sha256: createHash('sha256').update(video).digest('hex'),
      });
      await assets.insertRow(prepared);
      expect((await readAll(await assets.open(prepared.id))).equals(video)).toBe(true);
    }
  }, 60_000);

  it('should read an image whole and sniff it as before', async () => {
    const png = await fakePng();
    const assets = new AssetStore(database, s3Store);
    const prepared = await assets.writeStream({ body: chunked(png), purpose: 'output' });
    expect(prepared).toMatchObject({ mimeType: 'image/png', bytes: png.length, width: 64 });
  });

  it('should rethrow a broken download as such and leave nothing behind', async () => {
    const local = new LocalObjectStore(path.join(dataDir, 'broken'));
    for (const objects of [s3Store, local]) {
      const assets = new AssetStore(database, objects);
      const error = await assets
        .writeStream({ body: chunked(video, 5 * 1024 * 1024), purpose: 'output' })
        .catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'download_failed' });
    }
    const left = await readdir(path.join(dataDir, 'broken'), { recursive: true }).catch(() => []);
    expect(left.filter((name) => String(name).endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
