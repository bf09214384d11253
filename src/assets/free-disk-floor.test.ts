import { describe, expect, it } from 'vitest';
import { FreeDiskFloor, type FileSystemSpace } from './free-disk-floor.js';

const mb = 1024 * 1024;

function simulatedDisks(freeMb: Record<string, number>) {
  const calls: string[] = [];
  const statfs = async (directory: string): Promise<FileSystemSpace> => {
    calls.push(directory);
    const free = freeMb[directory];
    if (free === undefined) throw Object.assign(new Error('no such directory'), { code: 'ENOENT' });
    return { bavail: free * 256, bsize: 4096 };
  };
  return { calls, statfs };
}

describe('FreeDiskFloor', () => {
  it('should refuse with a retryable 507 storage_full naming the low disk, and pass above the floor', async () => {
    const free = { '/data/assets': 100, '/data/pglite': 900 };
    const { statfs } = simulatedDisks(free);
    let now = 0;
    const floor = new FreeDiskFloor({
      directories: [
        { name: 'assets', path: '/data/assets' },
        { name: 'database', path: '/data/pglite' },
      ],
      minFreeBytes: 512 * mb,
      statfs,
      now: () => now,
    });
    const error = await floor.check().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      code: 'storage_full',
      httpStatus: 507,
      isRetryable: true,
      retryAfterMs: 5000,
      details: {
        reason: 'free_disk_below_floor',
        minFreeBytes: 512 * mb,
        disks: [{ name: 'assets', freeBytes: 100 * mb }],
      },
    });
    expect(await floor.health()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/assets 100 MB free/),
    });
    free['/data/assets'] = 600;
    now += 1000;
    await expect(floor.check()).resolves.toBeUndefined();
    expect(await floor.health()).toEqual({ ok: true });
  });

  it('should measure at most once a second however many requests ask', async () => {
    const { calls, statfs } = simulatedDisks({ '/data/assets': 1000 });
    let now = 0;
    const floor = new FreeDiskFloor({
      directories: [{ name: 'assets', path: '/data/assets' }],
      minFreeBytes: 512 * mb,
      statfs,
      now: () => now,
    });
    await Promise.all(Array.from({ length: 50 }, () => floor.check()));
    now += 999;
    await floor.check();
    expect(calls).toHaveLength(1);
    now += 1;
    await floor.check();
    expect(calls).toHaveLength(2);
  });

  it('should measure the nearest existing parent of a directory not created yet', async () => {
    const { calls, statfs } = simulatedDisks({ '/data': 10 });
    const floor = new FreeDiskFloor({
      directories: [{ name: 'assets', path: '/data/assets' }],
      minFreeBytes: 512 * mb,
      statfs,
    });
    expect(await floor.lowDisks()).toEqual([{ name: 'assets', freeBytes: 10 * mb }]);
    expect(calls).toEqual(['/data/assets', '/data']);
  });

  it('should never refuse when the floor is 0 or there is no local disk to watch', async () => {
    const { calls, statfs } = simulatedDisks({ '/data/assets': 0 });
    const off = new FreeDiskFloor({
      directories: [{ name: 'assets', path: '/data/assets' }],
      minFreeBytes: 0,
      statfs,
    });
    const none = new FreeDiskFloor({ directories: [], minFreeBytes: 512 * mb, statfs });
    await expect(off.check()).resolves.toBeUndefined();
    await expect(none.check()).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });
});
