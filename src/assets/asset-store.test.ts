import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import type { Database } from '../store/database.js';
import { GatewayError } from '../core/errors/index.js';
import { AssetStore } from './asset-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { filesUnder } from '../../test/helpers/files-under.js';

/** A disk with room for `room` bytes: the write starts, then fails as a full disk does. */
function fullDisk(room: number) {
  return async (file: string, data: Buffer) => {
    await writeFile(file, data.subarray(0, room));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
}

describe('AssetStore on a full disk', () => {
  let database: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ database, close } = await openMigratedDatabase('pglite'));
  });
  afterAll(async () => {
    await close?.();
  });

  it('answers 507 storage_full and leaves no half-written file behind', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-full-disk-'));
    const store = new AssetStore(
      database,
      new LocalObjectStore(path.join(dataDir, 'assets'), fullDisk(10)),
    );
    // A PNG signature and a little more: sniffed as an image, then the disk runs out.
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    const error = await store
      .save({ data: png, purpose: 'upload', claimedMimeType: 'image/png' })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'storage_full', httpStatus: 507, isRetryable: true });
    expect(await filesUnder(path.join(dataDir, 'assets'))).toEqual([]);
    const { rows } = await database.query('SELECT id FROM assets');
    expect(rows).toEqual([]);
  });
});
