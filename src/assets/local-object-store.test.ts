import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from './local-object-store.js';

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

describe('LocalObjectStore', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'switchyard-local-store-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should remove at start the temporary files of writers that died, and only those', async () => {
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '-');
    const now = Date.now();
    await mkdir(path.join(root, 'ab'), { recursive: true });
    // A pid far above any kernel's pid_max cannot be alive.
    const dead = path.join(root, 'ab', `asset_a.${host}.99999999.tmp`);
    const legacy = path.join(root, 'ab', 'asset_b.99999999.tmp');
    const live = path.join(root, 'ab', `asset_c.${host}.${process.ppid}.tmp`);
    const foreignFresh = path.join(root, 'ab', 'asset_d.otherhost.12.tmp');
    const foreignOld = path.join(root, 'ab', 'asset_e.otherhost.12.tmp');
    const stored = path.join(root, 'ab', 'asset_f');
    for (const file of [dead, legacy, live, foreignFresh, foreignOld, stored])
      await writeFile(file, 'x');
    const twoHoursAgo = new Date(now - 2 * 60 * 60 * 1000);
    await utimes(foreignOld, twoHoursAgo, twoHoursAgo);
    const store = new LocalObjectStore(root, undefined, () => now);
    expect(await store.removeOrphans()).toBe(3);
    expect(await filesUnder(root)).toEqual([
      `asset_c.${host}.${process.ppid}.tmp`,
      'asset_d.otherhost.12.tmp',
      'asset_f',
    ]);
  });

  it('should leave no temporary file when a streamed write fails midway', async () => {
    const store = new LocalObjectStore(root);
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('the provider connection was reset'));
      },
    });
    const error = await store
      .put('ab/asset_g', failing, { contentType: 'video/mp4' })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect(await filesUnder(root)).toEqual([]);
  });

  it('should serve byte ranges and answer asset_not_found for a missing file', async () => {
    const store = new LocalObjectStore(root);
    await store.put('ab/asset_h', Buffer.from('0123456789'), { contentType: 'image/png' });
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get('ab/asset_h', { start: 2, end: 4 }))
      chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('234');
    await expect(store.get('ab/asset_missing')).rejects.toMatchObject({ code: 'asset_not_found' });
  });
});
