import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createId } from '../core/create-id.js';
import {
  GatewayError,
  NotFoundError,
  PayloadTooLargeError,
  StorageUnavailableError,
} from '../core/errors/index.js';
import type { ObjectStore } from '../core/object-store.js';
import type { Database, Queryable } from '../store/database.js';
import {
  assetOfRow,
  inlineBytesOf,
  parseAssetRow,
  type Asset,
  type AssetRow,
} from './asset-row.js';
import { headBytes, readHead } from './read-head.js';
import { sniffMedia } from './sniff-media.js';
import type { FreeDiskFloor } from './free-disk-floor.js';
import { streamToObjectStore } from './stream-to-object-store.js';
import { writeImageUpload, type ImageUploadInput } from './write-image-upload.js';
import type { OutputFileRow } from '../store/repositories/mark-submitted-and-succeeded.js';

export type { Asset } from './asset-row.js';

/**
 * A file written to the store whose database row is not stored yet: the row a batched success
 * write inserts too, so both name one shape.
 */
export type PreparedAsset = OutputFileRow;

export interface SaveAssetInput {
  data: Buffer;
  purpose: 'upload' | 'output';
  generationId?: string;
  /** The uploading tenant (outputs take their job's tenant, see `row`). */
  tenantId?: string | null;
  /** MIME type claimed by the source; used only when sniffing cannot tell (never trusted over it). */
  claimedMimeType?: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

/** A file to store from a stream (a provider download), never held whole when it is a video. */
export interface StreamAssetInput extends Omit<SaveAssetInput, 'data'> {
  body: Readable;
}

/** Options of {@link AssetStore}. */
export interface AssetStoreOptions {
  /** Clock for row times, the upload quota's window and the health cache (tests inject one). */
  now?: () => number;
  /** Bytes of uploads a tenant may add per trailing 24 hours; undefined: no quota. */
  uploadBytesPerDay?: number;
  /** `health()` asks the object store at most this often. */
  healthCacheMs?: number;
  /**
   * Lifetime of the presigned URLs `redirectUrl` hands out; undefined: reads are relayed
   * through the gateway (also when the store cannot sign).
   */
  presignedRedirectSeconds?: number;
  /** Refuses uploads while the disk is below `storage.minFreeDiskMb`; undefined: no floor. */
  diskFloor?: FreeDiskFloor;
  /**
   * Files written whole of at most this many bytes are kept in their row instead of the object
   * store (`storage.inlineMaxBytes`, ADR 0028); undefined or 0: every file goes to the store.
   */
  inlineMaxBytes?: number;
}

/** The store's state as `/readyz` shows it. */
export interface AssetStoreHealth {
  ok: boolean;
  /** `local` or `s3`. */
  kind: ObjectStore['kind'];
  error?: string;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Asset metadata in the database, bytes in an {@link ObjectStore} (local disk or an
 * S3-compatible bucket). The object is written completely before its row exists, so a row
 * always has its bytes; every instance on the database reads every asset when they share the
 * object store.
 */
export class AssetStore {
  private readonly now: () => number;
  private healthCache: { at: number; health: AssetStoreHealth } | undefined;

  constructor(
    private readonly database: Database,
    /** Where the bytes go. */
    readonly objects: ObjectStore,
    private readonly options: AssetStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async save(input: SaveAssetInput): Promise<Asset> {
    if (input.purpose === 'upload')
      await this.checkUploadQuota(input.tenantId ?? null, input.data.length);
    const prepared = await this.writeFile(input);
    try {
      return await this.insertRow(prepared);
    } catch (error) {
      await this.discard([prepared]).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stores a client's input image as it arrives (see {@link writeImageUpload}): anything but
   * PNG, JPEG, WebP or GIF is refused with 415 whatever the request claimed, more than
   * `maxBytes` with 413. The disk floor and the upload quota are checked before the first byte
   * is read (the quota with the declared length), the quota again with the counted size; on any
   * refusal or failure neither object nor row stays behind.
   */
  async saveImageUpload(input: ImageUploadInput & { declaredBytes?: number }): Promise<Asset> {
    const tenantId = input.tenantId ?? null;
    await this.options.diskFloor?.check();
    if (input.declaredBytes !== undefined && input.declaredBytes > input.maxBytes)
      throw new PayloadTooLargeError(input.what ?? 'The upload', input.maxBytes);
    // Without a declared length, whether a single byte still fits.
    await this.checkUploadQuota(tenantId, input.declaredBytes ?? 1);
    const prepared = await writeImageUpload(this.objects, input);
    try {
      await this.checkUploadQuota(tenantId, prepared.bytes);
      return await this.insertRow(prepared);
    } catch (error) {
      await this.discard([prepared]).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Refuses an upload of `bytes` that would take the tenant's uploads of the trailing 24 hours
   * past `uploadBytesPerDay`. Checked before the write, so concurrent uploads of one tenant
   * may overshoot by the files in flight; the next one is refused.
   */
  async checkUploadQuota(tenantId: string | null, bytes: number): Promise<void> {
    const limit = this.options.uploadBytesPerDay;
    if (limit === undefined) return;
    const { rows } = await this.database.query<{ used: string | number | null }>(
      `SELECT COALESCE(SUM(bytes), 0) AS used FROM assets
       WHERE purpose = 'upload' AND tenant_id IS NOT DISTINCT FROM $1 AND created_at > $2`,
      [tenantId, new Date(this.now() - dayMs)],
    );
    const used = Number(rows[0]?.used ?? 0);
    if (used + bytes > limit) {
      throw new GatewayError({
        code: 'upload_quota_exceeded',
        message: `Uploads are limited to ${limit} bytes per 24 hours; ${used} bytes were uploaded and this file has ${bytes}.`,
        httpStatus: 429,
        details: { limitBytes: limit, usedBytes: used, fileBytes: bytes, windowHours: 24 },
      });
    }
  }

  /**
   * Writes the object without its row; `insertRow` completes it, possibly inside a larger
   * transaction (job outputs are stored with the job's success, one commit for both). Returns
   * what it wrote (size, hash, type, dimensions).
   */
  async writeFile(input: SaveAssetInput): Promise<PreparedAsset> {
    const sniffed = sniffMedia(input.data);
    const mimeType = sniffed?.mimeType ?? input.claimedMimeType;
    if (!mimeType) {
      throw new GatewayError({
        code: 'unsupported_media_type',
        message: 'The file is not a recognised image or video.',
        httpStatus: 415,
      });
    }
    const id = createId('asset');
    // A small file goes into its row, committed with it: no file to create (the dearest part of
    // a tiny output on local disk) and no request to a bucket.
    const inline = input.data.length <= (this.options.inlineMaxBytes ?? 0);
    const storageKey = inline ? null : `${id.slice(-2)}/${id}`;
    if (storageKey !== null) {
      await this.objects.put(storageKey, input.data, {
        contentType: mimeType,
        bytes: input.data.length,
      });
    }
    return {
      id,
      purpose: input.purpose,
      mimeType,
      bytes: input.data.length,
      sha256: createHash('sha256').update(input.data).digest('hex'),
      width: sniffed?.width ?? input.width ?? null,
      height: sniffed?.height ?? input.height ?? null,
      durationSeconds: input.durationSeconds ?? null,
      storageKey,
      inlineBytes: inline ? input.data : null,
      generationId: input.generationId ?? null,
      tenantId: input.tenantId ?? null,
    };
  }

  /**
   * {@link writeFile} from a stream. Images (and anything the first MiB does not show to be a
   * video) are read whole, because sniffing checks that they are complete; a video is sniffed
   * from its first MiB and streamed on into the object store with its hash computed on the way,
   * so no video is ever held in memory. Errors of the source (a broken download) are rethrown
   * as they are, not as storage errors.
   */
  async writeStream(input: StreamAssetInput): Promise<PreparedAsset> {
    const { body, ...rest } = input;
    let head: { chunks: Buffer[]; ended: boolean };
    try {
      head = await readHead(body, headBytes);
    } catch (error) {
      body.destroy();
      throw error;
    }
    const sniffed = head.ended ? undefined : sniffMedia(Buffer.concat(head.chunks));
    if (sniffed?.kind !== 'video') {
      const chunks = head.chunks;
      if (!head.ended) for await (const chunk of body) chunks.push(chunk as Buffer);
      return this.writeFile({ ...rest, data: Buffer.concat(chunks) });
    }
    const id = createId('asset');
    const storageKey = `${id.slice(-2)}/${id}`;
    const { bytes, sha256 } = await streamToObjectStore(this.objects, storageKey, {
      head: head.chunks,
      rest: body,
      contentType: sniffed.mimeType,
    });
    return {
      id,
      purpose: input.purpose,
      mimeType: sniffed.mimeType,
      bytes,
      sha256,
      width: sniffed.width ?? input.width ?? null,
      height: sniffed.height ?? input.height ?? null,
      durationSeconds: input.durationSeconds ?? null,
      storageKey,
      inlineBytes: null,
      generationId: input.generationId ?? null,
      tenantId: input.tenantId ?? null,
    };
  }

  /** Records a written file. */
  async insertRow(prepared: PreparedAsset, executor: Queryable = this.database): Promise<Asset> {
    const { rows } = await executor.query(
      `INSERT INTO assets (id, purpose, mime_type, bytes, sha256, width, height, duration_seconds, storage_key, generation_id, tenant_id, created_at, inline_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *, tenant_id AS owner_tenant_id`,
      [
        prepared.id,
        prepared.purpose,
        prepared.mimeType,
        prepared.bytes,
        prepared.sha256,
        prepared.width,
        prepared.height,
        prepared.durationSeconds,
        prepared.storageKey,
        prepared.generationId,
        prepared.tenantId,
        new Date(this.now()),
        prepared.inlineBytes,
      ],
    );
    return assetOfRow(rows[0]);
  }

  /** Removes written files whose rows were never stored (or rolled back). */
  async discard(prepared: readonly PreparedAsset[]): Promise<void> {
    await this.deleteObjects(prepared.map((asset) => asset.storageKey));
  }

  /**
   * Deletes the objects of rows about to go (`storage_key` of each); a row whose bytes are inline
   * has none, and goes with its row alone.
   */
  async deleteObjects(keys: readonly (string | null)[]): Promise<void> {
    const stored = keys.filter((key): key is string => key !== null);
    if (stored.length) await this.objects.delete(stored);
  }

  async get(id: string): Promise<Asset | undefined> {
    const row = await this.row(id);
    return row ? assetOfRow(row) : undefined;
  }

  /** Throws `asset_not_found` when missing. */
  async require(id: string): Promise<Asset> {
    const asset = await this.get(id);
    if (!asset) throw new NotFoundError('asset', id);
    return asset;
  }

  /** Opens the file for reading, optionally a byte range (inclusive end). */
  async open(id: string, range?: { start: number; end: number }): Promise<Readable> {
    const row = await this.row(id);
    if (!row) throw new NotFoundError('asset', id);
    if (row.storage_key === null) {
      const bytes = inlineBytesOf(row);
      // One chunk, as a byte stream (the object stores' streams are too).
      return Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes], {
        objectMode: false,
      });
    }
    return this.objects.get(row.storage_key, range);
  }

  /**
   * A short-lived URL from which the client can fetch the asset straight from the object
   * store; undefined when the store cannot sign (local disk).
   */
  async redirectUrl(id: string, filename?: string): Promise<string | undefined> {
    const expiresSeconds = this.options.presignedRedirectSeconds;
    if (expiresSeconds === undefined || !this.objects.presignedUrl) return undefined;
    const row = await this.row(id);
    if (!row) throw new NotFoundError('asset', id);
    // Bytes kept in their row have no URL elsewhere: the gateway relays them.
    if (row.storage_key === null) return undefined;
    return this.objects.presignedUrl(row.storage_key, {
      expiresSeconds,
      filename,
      contentType: row.mime_type,
    });
  }

  /** Whether the object store answers, checked at most once per `healthCacheMs`. */
  async health(): Promise<AssetStoreHealth> {
    const now = this.now();
    const cached = this.healthCache;
    if (cached && now - cached.at < (this.options.healthCacheMs ?? 5000)) return cached.health;
    let health: AssetStoreHealth;
    try {
      await this.objects.check();
      health = { ok: true, kind: this.objects.kind };
    } catch (error) {
      health = { ok: false, kind: this.objects.kind, error: (error as Error).message };
    }
    this.healthCache = { at: now, health };
    return health;
  }

  /**
   * Reads a whole file into memory (inputs handed to providers), into one buffer of the row's
   * size: collecting chunks and joining them would hold the file twice at the end.
   */
  async read(id: string): Promise<{ data: Buffer; mimeType: string }> {
    const row = await this.row(id);
    if (!row) throw new NotFoundError('asset', id);
    if (row.storage_key === null) return { data: inlineBytesOf(row), mimeType: row.mime_type };
    const data = Buffer.allocUnsafe(row.bytes);
    let length = 0;
    const mismatch = () =>
      new StorageUnavailableError(
        'read',
        new Error(`object ${row.storage_key} is not ${row.bytes} bytes`),
      );
    for await (const chunk of await this.objects.get(row.storage_key)) {
      const bytes = chunk as Buffer;
      if (length + bytes.length > data.length) throw mismatch();
      bytes.copy(data, length);
      length += bytes.length;
    }
    if (length !== data.length) throw mismatch();
    return { data, mimeType: row.mime_type };
  }

  /** Deletes assets (outputs of a lost completion race). */
  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const row = await this.row(id);
      if (!row) continue;
      // The object first: a row without its object would be a 404 with a row; an object
      // without its row would be stored forever.
      await this.deleteObjects([row.storage_key]);
      await this.database.query('DELETE FROM assets WHERE id = $1', [id]);
    }
  }

  private async row(id: string): Promise<AssetRow | undefined> {
    if (!/^asset_[0-9a-z]{26}$/.test(id)) return undefined;
    // An output belongs to its job's tenant; an upload to its uploader.
    const { rows } = await this.database.query(
      `SELECT a.*, COALESCE(a.tenant_id, g.tenant_id) AS owner_tenant_id
       FROM assets a LEFT JOIN generations g ON g.id = a.generation_id WHERE a.id = $1`,
      [id],
    );
    return rows[0] ? parseAssetRow(rows[0]) : undefined;
  }
}
