import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSystemSpace } from '../../src/assets/free-disk-floor.js';
import { fakePng } from '../fakes/fake-media.js';
import { ErrorBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('the free-disk floor (storage.minFreeDiskMb)', () => {
  let test: TestGateway;
  let png: Buffer;
  let freeMb = 100;
  let now = Date.parse('2026-06-01T12:00:00Z');
  const measured: string[] = [];
  beforeAll(async () => {
    png = await fakePng();
    test = await startTestGateway(
      'pglite',
      { storage: { minFreeDiskMb: 512 } },
      {
        now: () => now,
        statfs: async (directory): Promise<FileSystemSpace> => {
          measured.push(directory);
          return { bavail: freeMb * 256, bsize: 4096 };
        },
      },
    );
  }, 60_000);
  afterAll(async () => {
    await test?.close();
  });

  const upload = () =>
    fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(png),
    });
  const generate = () =>
    postJson(`${test.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'a lighthouse',
      width: 64,
      height: 64,
    });
  const count = async (table: 'assets' | 'generations') =>
    (
      await test.gateway.database.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM ${table}`,
      )
    ).rows[0]!.count;
  const assetFiles = async () =>
    (
      await readdir(path.join(test.dataDir, 'assets'), {
        recursive: true,
        withFileTypes: true,
      }).catch(() => [])
    ).filter((entry) => entry.isFile() && !entry.name.startsWith('.probe'));

  it('should answer 507 storage_full with Retry-After to new uploads and jobs while the disk is low, writing nothing', async () => {
    const refused = await upload();
    expect(refused.status).toBe(507);
    expect(refused.headers.get('retry-after')).toBe('5');
    const { error } = ErrorBody.parse(await refused.json());
    expect(error).toMatchObject({
      code: 'storage_full',
      details: { reason: 'free_disk_below_floor', minFreeBytes: 512 * 1024 * 1024 },
    });

    const form = new FormData();
    form.append('model', 'sim-video');
    form.append('prompt', 'waves');
    form.append('input_reference', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
    const video = await fetch(`${test.url}/v1/videos`, { method: 'POST', body: form });
    expect(video.status).toBe(507);

    const job = await generate();
    expect(job.status).toBe(507);
    expect(ErrorBody.parse(job.body).error.code).toBe('storage_full');

    expect(await count('assets')).toBe(0);
    expect(await count('generations')).toBe(0);
    expect(await assetFiles()).toEqual([]);
    const ready = await getJson(`${test.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      checks: { disk: { ok: false, error: expect.stringMatching(/below the 512 MB floor/) } },
    });
    // The asset directory and PGlite's, each measured once per second at most.
    expect(new Set(measured)).toEqual(
      new Set([path.join(test.dataDir, 'assets'), path.join(test.dataDir, 'pglite')]),
    );
    expect(measured.length).toBeLessThanOrEqual(2);
  });

  it('should take uploads and jobs again within a second of space being freed', async () => {
    freeMb = 4096;
    now += 1000;
    expect((await upload()).status).toBe(201);
    expect((await generate()).status).toBe(202);
    const ready = await getJson(`${test.url}/readyz`);
    expect(ready.body).toMatchObject({ checks: { disk: { ok: true } } });
  });
});
