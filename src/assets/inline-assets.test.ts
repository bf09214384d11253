import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import { backends } from '../../test/helpers/test-database.js';
import type { Database } from '../store/database.js';
import { AssetStore } from './asset-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { filesUnder } from '../../test/helpers/files-under.js';

// A valid 1×1 PNG (69 bytes), as the bench fake answers, and a bigger "PNG" (signature + zeros).
const onePixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);
const pngOf = (bytes: number) =>
  Buffer.concat([onePixelPng, Buffer.alloc(bytes - onePixelPng.length, 7)]);

describe.each(backends)('AssetStore keeping small outputs in their row, on %s', (backend) => {
  let database: Database;
  let close: () => Promise<void>;
  let directory: string;
  let store: AssetStore;
  beforeAll(async () => {
    ({ database, close } = await openMigratedDatabase(backend));
    directory = path.join(await mkdtemp(path.join(os.tmpdir(), 'switchyard-inline-')), 'assets');
    store = new AssetStore(database, new LocalObjectStore(directory), { inlineMaxBytes: 1024 });
  });
  afterAll(async () => {
    await close?.();
  });

  it('stores an output within the limit in its row, no file, and serves it whole and by range', async () => {
    const saved = await store.save({ data: onePixelPng, purpose: 'output' });
    expect(saved).toMatchObject({ mimeType: 'image/png', bytes: 69, width: 1, height: 1 });
    expect(await filesUnder(directory)).toEqual([]);
    const { rows } = await database.query<{ storage_key: string | null; inline: boolean }>(
      'SELECT storage_key, inline_bytes IS NOT NULL AS inline FROM assets WHERE id = $1',
      [saved.id],
    );
    expect(rows).toEqual([{ storage_key: null, inline: true }]);

    const read = await store.read(saved.id);
    expect(read.mimeType).toBe('image/png');
    expect(Buffer.compare(read.data, onePixelPng)).toBe(0);
    const whole: Buffer[] = [];
    for await (const chunk of await store.open(saved.id)) whole.push(chunk as Buffer);
    expect(Buffer.compare(Buffer.concat(whole), onePixelPng)).toBe(0);
    // Bytes 1–3 inclusive of the signature: "PNG".
    expect(await text(await store.open(saved.id, { start: 1, end: 3 }))).toBe('PNG');
    // No object store URL exists for it: the gateway relays the bytes.
    expect(await store.redirectUrl(saved.id)).toBeUndefined();

    await store.delete([saved.id]);
    expect(await store.get(saved.id)).toBeUndefined();
  });

  it('sends a file over the limit to the object store as before', async () => {
    const big = pngOf(1025);
    const saved = await store.save({ data: big, purpose: 'output', claimedMimeType: 'image/png' });
    expect(await filesUnder(directory)).toEqual([saved.id]);
    const { rows } = await database.query<{ storage_key: string | null; inline: boolean }>(
      'SELECT storage_key, inline_bytes IS NOT NULL AS inline FROM assets WHERE id = $1',
      [saved.id],
    );
    expect(rows).toEqual([{ storage_key: `${saved.id.slice(-2)}/${saved.id}`, inline: false }]);
    expect(Buffer.compare((await store.read(saved.id)).data, big)).toBe(0);
    await store.delete([saved.id]);
    expect(await filesUnder(directory)).toEqual([]);
  });

  it('keeps a row from holding neither an object key nor bytes, or both', async () => {
    const insert = (storageKey: string | null, bytes: Buffer | null) =>
      database.query(
        `INSERT INTO assets (id, purpose, mime_type, bytes, sha256, storage_key, inline_bytes)
         VALUES ('asset_00000000000000000000000000', 'output', 'image/png', 1, 'x', $1, $2)`,
        [storageKey, bytes],
      );
    await expect(insert(null, null)).rejects.toThrow(/assets_bytes_in_one_place/);
    await expect(insert('aa/asset_x', Buffer.from('x'))).rejects.toThrow(
      /assets_bytes_in_one_place/,
    );
  });
});
