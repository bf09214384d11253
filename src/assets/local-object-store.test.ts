import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from './local-object-store.js';
import { filesUnder } from '../../test/helpers/files-under.js';

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

  it('should store small and large buffers whole under their key, with no temporary left', async () => {
    const store = new LocalObjectStore(root);
    // One under the synchronous-write size, one over it (the thread-pool path).
    const small = Buffer.alloc(70, 1);
    const large = Buffer.alloc(200 * 1024, 2);
    await store.put('cd/asset_small', small, { contentType: 'image/png' });
    await store.put('cd/asset_large', large, { contentType: 'image/png' });
    const read = async (key: string) => {
      const chunks: Buffer[] = [];
      for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    expect((await read('cd/asset_small')).equals(small)).toBe(true);
    expect((await read('cd/asset_large')).equals(large)).toBe(true);
    expect(await filesUnder(root)).toEqual(['asset_large', 'asset_small']);
  });

  it('should answer storage_unavailable and leave no temporary when a small write fails', async () => {
    // A directory where the object goes: the exclusive create fails, and what is there stays.
    await mkdir(path.join(root, 'gh', 'asset_i'), { recursive: true });
    await writeFile(path.join(root, 'gh', 'asset_i', 'keep'), 'x');
    const store = new LocalObjectStore(root);
    await expect(
      store.put('gh/asset_i', Buffer.from('x'), { contentType: 'image/png' }),
    ).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(await filesUnder(root)).toEqual(['keep']);
  });

  it('should never replace an object that exists with a small write (ADR 0026)', async () => {
    const store = new LocalObjectStore(root);
    await store.put('ij/asset_j', Buffer.from('first'), { contentType: 'image/png' });
    await expect(
      store.put('ij/asset_j', Buffer.from('second'), { contentType: 'image/png' }),
    ).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(await readFile(path.join(root, 'ij', 'asset_j'), 'utf8')).toBe('first');
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
