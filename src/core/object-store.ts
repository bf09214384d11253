import type { Readable } from 'node:stream';

/** An inclusive byte range of an object, as HTTP `Range: bytes=start-end` names it. */
export interface ByteRange {
  /** First byte, counted from 0. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/** What a write needs to know besides the bytes. */
export interface PutObjectOptions {
  /** Stored with the object (an S3 `Content-Type`); served again on presigned reads. */
  contentType: string;
  /**
   * Length of `body` in bytes when known. A stream with a known length is sent in one
   * request; without it an S3 store uploads in parts, so no object needs to fit in memory.
   */
  bytes?: number;
}

/** Options of a presigned read. */
export interface PresignOptions {
  /** How long the URL works, in seconds (short: the URL is a bearer credential). */
  expiresSeconds: number;
  /** `Content-Type` the store answers the URL with. */
  contentType: string;
  /** When set, the store answers with `Content-Disposition: inline; filename="…"`. */
  filename?: string;
}

/**
 * Where asset bytes live: a directory on local disk or an S3-compatible bucket. Metadata (type,
 * size, hash, owner) lives in the database; a store only knows keys and bytes. Every method
 * throws `StorageUnavailableError` (`storage_unavailable`, 503, retryable) when the store cannot
 * be reached, and `storage_full` (507) when a local disk has no room, so callers never see a
 * raw `ECONNREFUSED` or SDK exception.
 */
export interface ObjectStore {
  /** Version of this contract; bumped on incompatible changes. */
  readonly specificationVersion: 'v1';
  /** `local` (a directory) or `s3` (a bucket); shown in `/readyz` and logs. */
  readonly kind: 'local' | 's3';
  /**
   * Writes an object. It becomes visible under `key` only when complete (a rename on disk, a
   * finished upload in S3); a failed write leaves nothing behind.
   */
  put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<void>;
  /** Streams an object, or one byte range of it. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Deletes objects; keys that do not exist are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  /** A cheap liveness check (a bucket HEAD, a directory write probe); throws when down. */
  check(): Promise<void>;
  /**
   * A URL from which a client can fetch the object directly for a short time. Only stores
   * that can sign (S3) implement it; callers serve the bytes themselves otherwise.
   */
  presignedUrl?(key: string, options: PresignOptions): Promise<string>;
  /**
   * Removes temporary files of writes that never finished (a crash mid-write); run at start.
   * Resolves to how many it removed.
   */
  removeOrphans?(): Promise<number>;
}
