import { statfs as fsStatfs } from 'node:fs/promises';
import path from 'node:path';
import { StorageFullError } from '../core/errors/index.js';

/** What {@link FreeDiskFloor} reads of a file system (`fs.promises.statfs`'s answer). */
export interface FileSystemSpace {
  /** Blocks free for an unprivileged writer. */
  bavail: number;
  /** Bytes per block. */
  bsize: number;
}

/** Reads a file system's free space; `fs.promises.statfs` by default (tests simulate a low disk). */
export type StatFs = (directory: string) => Promise<FileSystemSpace>;

/** A directory the gateway writes to, named for messages and `/readyz`. */
export interface WatchedDirectory {
  /** `assets` or `database`. */
  name: string;
  /** The directory; it need not exist yet (its nearest existing parent is measured). */
  path: string;
}

/** Options of {@link FreeDiskFloor}. */
export interface FreeDiskFloorOptions {
  /** Directories whose file systems must keep `minFreeBytes` free; none: the floor is off. */
  directories: readonly WatchedDirectory[];
  /** The floor in bytes; 0 turns it off. */
  minFreeBytes: number;
  statfs?: StatFs;
  /** Clock for the cache (tests inject one). */
  now?: () => number;
  /** Free space is measured at most this often. */
  cacheMs?: number;
}

/** A directory whose file system is below the floor. */
export interface LowDisk {
  name: string;
  freeBytes: number;
}

/**
 * Refuses new work while a disk the gateway writes to (the local asset store, PGlite's data
 * directory) has less than `minFreeBytes` free, before anything is written: a full disk half
 * way through a write costs a retry and a cleanup, a refusal at the door costs neither. Running
 * jobs are not stopped by it; they retry storage errors on their own.
 */
export class FreeDiskFloor {
  private readonly statfs: StatFs;
  private readonly now: () => number;
  private measured: { at: number; low: Promise<LowDisk[]> } | undefined;

  constructor(private readonly options: FreeDiskFloorOptions) {
    this.statfs =
      options.statfs ??
      (async (directory) => {
        const space = await fsStatfs(directory);
        return { bavail: Number(space.bavail), bsize: Number(space.bsize) };
      });
    this.now = options.now ?? Date.now;
  }

  /** Whether the floor can ever refuse anything. */
  get enabled(): boolean {
    return this.options.minFreeBytes > 0 && this.options.directories.length > 0;
  }

  /** The directories below the floor (measured at most once per `cacheMs`, shared by callers). */
  async lowDisks(): Promise<LowDisk[]> {
    if (!this.enabled) return [];
    const now = this.now();
    // One measurement in flight at a time: a burst of requests shares it.
    if (!this.measured || now - this.measured.at >= (this.options.cacheMs ?? 1000))
      this.measured = { at: now, low: this.measure() };
    return this.measured.low;
  }

  /** Throws 507 `storage_full` (retry after 5 s) when a disk is below the floor. */
  async check(): Promise<void> {
    const low = await this.lowDisks();
    if (low.length === 0) return;
    throw new StorageFullError({
      message: `The gateway's disk is nearly full (${low.map((disk) => disk.name).join(', ')} below the ${this.floorMb()} MB floor); nothing was stored. Retry later.`,
      details: {
        reason: 'free_disk_below_floor',
        minFreeBytes: this.options.minFreeBytes,
        disks: low,
      },
    });
  }

  /** For `/readyz`: ok, or which disks are low. */
  async health(): Promise<{ ok: boolean; error?: string }> {
    const low = await this.lowDisks();
    if (low.length === 0) return { ok: true };
    return {
      ok: false,
      error: `free disk below the ${this.floorMb()} MB floor: ${low.map((disk) => `${disk.name} ${Math.floor(disk.freeBytes / 1024 / 1024)} MB free`).join(', ')}; new uploads and jobs answer storage_full`,
    };
  }

  private floorMb(): number {
    return Math.round(this.options.minFreeBytes / 1024 / 1024);
  }

  private async measure(): Promise<LowDisk[]> {
    const low: LowDisk[] = [];
    for (const directory of this.options.directories) {
      const freeBytes = await this.freeBytes(directory.path);
      if (freeBytes !== undefined && freeBytes < this.options.minFreeBytes)
        low.push({ name: directory.name, freeBytes });
    }
    return low;
  }

  /**
   * Free bytes of the file system holding `directory`, or of its nearest existing parent (the
   * asset directory appears with the first upload). Undefined when it cannot be measured: the
   * floor is a guard, not a gate that a failing probe may close.
   */
  private async freeBytes(directory: string): Promise<number | undefined> {
    let current = path.resolve(directory);
    for (;;) {
      try {
        const space = await this.statfs(current);
        return space.bavail * space.bsize;
      } catch (error) {
        const parent = path.dirname(current);
        if ((error as { code?: unknown }).code !== 'ENOENT' || parent === current) return undefined;
        current = parent;
      }
    }
  }
}
