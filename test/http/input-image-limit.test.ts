import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetStore } from '../../src/assets/asset-store.js';
import { LocalObjectStore } from '../../src/assets/local-object-store.js';
import { InputImageResolver } from '../../src/jobs/input-image-resolver.js';
import type { Database } from '../../src/store/database.js';
import { FakeHttpServer } from '../fakes/fake-http-server.js';
import { fakePng } from '../fakes/fake-media.js';
import { inputFetchContextFor } from '../helpers/input-fetch-context.js';
import { openMigratedDatabase } from '../helpers/migrated-database.js';

describe('client input-image URLs are limited like uploads', () => {
  let database: Database;
  let close: () => Promise<void>;
  let upstream: FakeHttpServer;
  let png: Buffer;
  let objectsDir: string;
  beforeAll(async () => {
    objectsDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-input-limit-'));
    ({ database, close } = await openMigratedDatabase('pglite'));
    png = await fakePng();
    const huge = Buffer.concat([png, Buffer.alloc(8 * 1024 * 1024)]);
    upstream = await FakeHttpServer.start((request) => ({
      headers: { 'content-type': 'image/png' },
      body: request.path.includes('huge') ? huge : png,
    }));
  });
  afterAll(async () => {
    await upstream?.close();
    await close?.();
    if (objectsDir) await rm(objectsDir, { recursive: true, force: true });
  });

  it('should refuse an input image larger than uploads.maxBytes and read a small one', async () => {
    const inputFetchContext = inputFetchContextFor(database, {
      uploads: { maxBytes: 1024 * 1024 },
      downloads: { allowedPrivateHosts: [new URL(upstream.url).host] },
    });
    const assets = new AssetStore(database, new LocalObjectStore(objectsDir));
    const resolver = new InputImageResolver(assets, inputFetchContext, () => undefined);
    const images = resolver.forJob({ id: 'gen_limit', tenantId: null });
    const small = await images.resolve(`${upstream.url}/small.png`).read();
    expect(small.data.equals(png)).toBe(true);
    await expect(images.resolve(`${upstream.url}/huge.png`).read()).rejects.toMatchObject({
      code: 'download_too_large',
      httpStatus: 413,
      details: { maxBytes: 1024 * 1024 },
    });
  });
});
