import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssetStore } from '../../src/assets/asset-store.js';
import { LocalObjectStore } from '../../src/assets/local-object-store.js';
import { InputImageResolver } from '../../src/jobs/input-image-resolver.js';
import { RetentionSweeper } from '../../src/jobs/retention-sweeper.js';
import { createLogger } from '../../src/observability/logger.js';
import { ControllerLease } from '../../src/store/controller-lease.js';
import type { Database } from '../../src/store/database.js';
import { FakeImageHost, paddedPng } from '../fakes/fake-image-host.js';
import { fakePng } from '../fakes/fake-media.js';
import { inputFetchContextFor } from '../helpers/input-fetch-context.js';
import { openMigratedDatabase } from '../helpers/migrated-database.js';

const limitBytes = 2 * 1024 * 1024;
const stallTimeoutMs = 1500;

describe.each(['pglite', 'postgres'] as const)(
  'input images by URL are streamed into the asset store once per run (%s)',
  (backend) => {
    let database: Database;
    let closeDatabase: () => Promise<void>;
    let host: FakeImageHost;
    let objectsDir: string;
    let assets: AssetStore;
    let resolver: InputImageResolver;
    let stallingResolver: InputImageResolver;
    let png: Buffer;
    let large: Buffer;
    let jobCount = 0;

    beforeAll(async () => {
      ({ database, close: closeDatabase } = await openMigratedDatabase(backend));
      png = await fakePng();
      // Past the 1 MiB head, so the streamed path (sniff the head, check the end) is the one used.
      large = paddedPng(png, Math.floor(1.5 * 1024 * 1024));
      host = await FakeImageHost.start({
        '/small.png': { body: png, declareLength: true },
        '/large.png': { body: large },
        '/huge.png': { body: paddedPng(png, 16 * 1024 * 1024) },
        '/huge-declared.png': { body: paddedPng(png, 16 * 1024 * 1024), declareLength: true },
        '/truncated.png': { body: large.subarray(0, large.length - 20) },
        '/page.html': { body: Buffer.from('<html>'.padEnd(1_500_000, ' ')) },
        '/slow.png': { body: large, stallAfter: 256 * 1024 },
      });
    });
    afterAll(async () => {
      await host?.close();
      await closeDatabase?.();
    });
    // A fresh store per test: the local store remembers the directories it made.
    beforeEach(async () => {
      await database.query('DELETE FROM assets');
      objectsDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-input-images-'));
      assets = new AssetStore(database, new LocalObjectStore(objectsDir));
      // A short timeout only where a stall is the point: a loaded machine must not time out the rest.
      resolver = resolverWith(30_000);
      stallingResolver = resolverWith(stallTimeoutMs);
    });
    afterEach(async () => {
      await rm(objectsDir, { recursive: true, force: true });
    });

    function resolverWith(timeoutMs: number): InputImageResolver {
      return new InputImageResolver(
        assets,
        inputFetchContextFor(database, {
          uploads: { maxBytes: limitBytes },
          downloads: { allowedPrivateHosts: [new URL(host.url).host], timeoutMs },
        }),
        () => undefined,
      );
    }

    function newJob(from = resolver) {
      jobCount++;
      return from.forJob({ id: `gen_test${jobCount}`, tenantId: null });
    }

    async function storedFiles(): Promise<string[]> {
      const entries = await readdir(objectsDir, { recursive: true, withFileTypes: true });
      return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
    }

    async function assetRows() {
      const { rows } = await database.query<{
        id: string;
        purpose: string;
        generation_id: string | null;
        tenant_id: string | null;
        bytes: number;
      }>('SELECT id, purpose, generation_id, tenant_id, bytes FROM assets');
      return rows;
    }

    it('should download once for every candidate of a run and pass the URL on untouched', async () => {
      const images = newJob();
      const url = `${host.url}/large.png`;
      const first = images.resolve(url);
      const second = images.resolve(url);
      expect(first.url).toBe(url);
      expect(first.assetId).toBeUndefined();
      expect(host.log('/large.png').hits).toBe(0);

      const [read, concurrent] = await Promise.all([first.read(), first.read()]);
      const again = await second.read();
      expect(read.data.equals(large)).toBe(true);
      expect(concurrent.data.equals(large)).toBe(true);
      expect(again.data.equals(large)).toBe(true);
      expect(read.mimeType).toBe('image/png');
      expect(host.log('/large.png')).toEqual({ hits: 1, closedEarly: 0, completed: 1 });

      const rows = await assetRows();
      expect(rows).toEqual([
        {
          id: expect.stringMatching(/^asset_/) as string,
          purpose: 'upload',
          generation_id: `gen_test${jobCount}`,
          tenant_id: null,
          bytes: large.length,
        },
      ]);
      const stored = await assets.get(rows[0]!.id);
      expect(stored).toMatchObject({ mimeType: 'image/png', width: 64, height: 64 });
    });

    it('should store a small image read whole, and download again for another job', async () => {
      const url = `${host.url}/small.png`;
      const before = host.log('/small.png').hits;
      expect((await newJob().resolve(url).read()).data.equals(png)).toBe(true);
      expect((await newJob().resolve(url).read()).data.equals(png)).toBe(true);
      expect(host.log('/small.png').hits).toBe(before + 2);
      expect(await assetRows()).toHaveLength(2);
    });

    it('should stop a chunked download at the limit and leave nothing in the store', async () => {
      await expect(newJob().resolve(`${host.url}/huge.png`).read()).rejects.toMatchObject({
        code: 'download_too_large',
        httpStatus: 413,
        message: expect.stringContaining(`${limitBytes}-byte limit`) as string,
        details: { maxBytes: limitBytes },
      });
      expect(await host.settled('/huge.png')).toEqual({ hits: 1, closedEarly: 1, completed: 0 });
      expect(await assetRows()).toEqual([]);
      expect(await storedFiles()).toEqual([]);
    });

    it('should refuse a declared length over the limit before reading the body', async () => {
      await expect(newJob().resolve(`${host.url}/huge-declared.png`).read()).rejects.toMatchObject({
        code: 'download_too_large',
        details: { maxBytes: limitBytes },
      });
      expect(await host.settled('/huge-declared.png')).toMatchObject({ closedEarly: 1 });
      expect(await assetRows()).toEqual([]);
      expect(await storedFiles()).toEqual([]);
    });

    it('should refuse what is not an image, and an image cut short, storing nothing', async () => {
      for (const name of ['/page.html', '/truncated.png']) {
        await expect(newJob().resolve(`${host.url}${name}`).read()).rejects.toMatchObject({
          code: 'invalid_input_image',
          httpStatus: 400,
        });
      }
      expect(await assetRows()).toEqual([]);
      expect(await storedFiles()).toEqual([]);
    });

    it('should still refuse a URL the SSRF guard blocks, without asking the network', async () => {
      const blocked = host.url.replace('127.0.0.1', '127.0.0.2');
      await expect(newJob().resolve(`${blocked}/small.png`).read()).rejects.toMatchObject({
        code: 'url_not_allowed',
      });
      await expect(newJob().resolve('http://169.254.169.254/latest').read()).rejects.toMatchObject({
        code: 'url_not_allowed',
      });
      expect(await assetRows()).toEqual([]);
    });

    it('should give up on a server that stalls mid-body after downloads.timeoutMs', async () => {
      const images = newJob(stallingResolver);
      const url = `${host.url}/slow.png`;
      await expect(images.resolve(url).read()).rejects.toMatchObject({
        code: 'download_timeout',
        isRetryable: true,
        details: { timeoutMs: stallTimeoutMs },
      });
      expect(await host.settled('/slow.png')).toMatchObject({ hits: 1, closedEarly: 1 });
      expect(await assetRows()).toEqual([]);
      expect(await storedFiles()).toEqual([]);
      // A failed download is not remembered: the next candidate of the run tries again.
      await expect(images.resolve(url).read()).rejects.toMatchObject({ code: 'download_timeout' });
      expect(host.log('/slow.png').hits).toBe(2);
    });

    it('should let the uploads retention remove the stored copy, object and row', async () => {
      await newJob().resolve(`${host.url}/large.png`).read();
      expect(await assetRows()).toHaveLength(1);
      expect(await storedFiles()).toHaveLength(1);
      const sweeper = new RetentionSweeper({
        database,
        assets,
        retention: { uploadsDays: 1, intervalSeconds: 60, batchSize: 100 },
        lease: new ControllerLease(database, 'retention', 'instance-a'),
        logger: createLogger('silent'),
        now: () => Date.now() + 2 * 24 * 60 * 60 * 1000,
      });
      expect(await sweeper.tick()).toEqual({ outputs: 0, uploads: 1, jobs: 0 });
      expect(await assetRows()).toEqual([]);
      expect(await storedFiles()).toEqual([]);
    });
  },
);
