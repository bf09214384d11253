import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GatewayError,
  NotFoundError,
  StorageFullError,
  StorageUnavailableError,
} from '../core/errors/index.js';
import type { ByteRange, ObjectStore, PutObjectOptions } from '../core/object-store.js';

/** Disk errors that mean "no room", not "a bug": the client and the operator hear so. */
const noRoom = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/**
 * Buffers up to this size are written with one synchronous call, where the promise API's open,
 * write, close and rename are four thread-pool round trips (measured: 90–110 µs of CPU per small
 * file against 250–320). Larger ones would block the event loop for as long as the disk takes,
 * and go through the thread pool. A small file is created under its final name, without the
 * temporary name and rename (ADR 0026): its key is a fresh id no reader can know before the row
 * naming it is committed, after this write; the rename was 87 of the 220 µs of system time a
 * small file cost on this ext4 volume.
 */
const synchronousWriteMaxBytes = 64 * 1024;

/** A temporary file of another host (a shared volume) is left alone for this long. */
const foreignTemporaryMaxAgeMs = 60 * 60 * 1000;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a disk error to `storage_full` (no room) or `storage_unavailable` (anything else). */
export function diskError(operation: string, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = codeOf(error);
  if (code && noRoom.has(code)) {
    return new StorageFullError({
      message: 'The gateway could not store the file: its storage is full or read-only.',
      details: { reason: code },
      cause: error,
    });
  }
  return new StorageUnavailableError(operation, error);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return codeOf(error) === 'EPERM';
  }
}

/**
 * Objects as files under one directory (`<dataDir>/assets`). A write goes to
 * `<key>.<host>.<pid>.tmp` and is renamed into place, so a reader never sees half a file; the
 * host and pid in the name let {@link removeOrphans} tell a crashed writer's leftovers from a
 * live writer's on a shared volume.
 */
export class LocalObjectStore implements ObjectStore {
  readonly specificationVersion = 'v1';
  readonly kind = 'local';
  private readonly directories = new Set<string>();
  private readonly host = os.hostname().replace(/[^A-Za-z0-9-]/g, '-');

  constructor(
    /** The directory objects live in. */
    readonly root: string,
    /** Writes a buffer to a file; the disk's own by default (tests stand in a full one). */
    private readonly write?: (file: string, data: Buffer) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  async put(key: string, body: Buffer | Readable, _options: PutObjectOptions): Promise<void> {
    const file = this.fileOf(key);
    const temporary = `${file}.${this.host}.${process.pid}.tmp`;
    try {
      const synchronous =
        Buffer.isBuffer(body) && !this.write && body.length <= synchronousWriteMaxBytes;
      // 1,024 shard directories at most: create each once per process, not once per file. A
      // fresh store meets a new one on most of its first thousand writes, so a small write
      // creates it synchronously too (one system call, no thread-pool round trip).
      const directory = path.dirname(file);
      if (!this.directories.has(directory)) {
        if (synchronous) mkdirSync(directory, { recursive: true });
        else await mkdir(directory, { recursive: true });
        this.directories.add(directory);
      }
      if (synchronous) {
        // Complete on disk before this returns, as the async path; `wx` never replaces an
        // object that exists.
        try {
          writeFileSync(file, body, { flag: 'wx' });
        } catch (error) {
          // A half-written file must not stay behind; one that existed is not ours to remove.
          if (codeOf(error) !== 'EEXIST') rmSync(file, { force: true });
          throw diskError('write', error);
        }
        return;
      }
      if (Buffer.isBuffer(body)) await (this.write ?? writeFile)(temporary, body);
      else await pipeline(body, createWriteStream(temporary));
      await rename(temporary, file);
    } catch (error) {
      // A half-written file must not stay behind (a full disk once left thousands).
      await rm(temporary, { force: true }).catch(() => undefined);
      throw diskError('write', error);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      // Opened first, so a missing file is an error here rather than on the stream later.
      const handle = await open(this.fileOf(key), 'r');
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (error) {
      if (codeOf(error) === 'ENOENT') throw new NotFoundError('asset', path.basename(key));
      throw diskError('read', error);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    try {
      for (const key of keys) await rm(this.fileOf(key), { force: true });
    } catch (error) {
      throw diskError('delete', error);
    }
  }

  async check(): Promise<void> {
    const probe = path.join(this.root, `.probe.${this.host}.${process.pid}`);
    try {
      await mkdir(this.root, { recursive: true });
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
    } catch (error) {
      await rm(probe, { force: true }).catch(() => undefined);
      throw diskError('write probe', error);
    }
  }

  async removeOrphans(): Promise<number> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(
      () => [],
    );
    let removed = 0;
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.tmp')) continue;
      const file = path.join(entry.parentPath, entry.name);
      // `<id>.<host>.<pid>.tmp`, or `<id>.<pid>.tmp` from versions before the host was named.
      const parts = entry.name.split('.');
      const pid = Number(parts.at(-2));
      const host = parts.length >= 4 ? parts.at(-3) : this.host;
      let orphan: boolean;
      if (host === this.host && Number.isInteger(pid))
        orphan = pid === process.pid || !isAlive(pid);
      else {
        const info = await stat(file).catch(() => undefined);
        orphan = info !== undefined && this.now() - info.mtimeMs > foreignTemporaryMaxAgeMs;
      }
      if (!orphan) continue;
      await rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  private fileOf(key: string): string {
    return path.join(this.root, key);
  }
}
