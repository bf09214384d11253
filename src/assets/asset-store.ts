import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { createId } from '../core/create-id.js';
import { GatewayError, NotFoundError } from '../core/errors/index.js';
import type { Database, Queryable } from '../store/database.js';
import { sniffMedia } from './sniff-media.js';

/** A stored file: an upload or a job output. */
export interface Asset {
  id: string;
  purpose: 'upload' | 'output';
  mimeType: string;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  generationId: string | null;
  /** Tenant that owns it: the uploader, or the tenant of the job that produced it. */
  tenantId: string | null;
  createdAt: Date;
}

const AssetRowSchema = z.object({
  id: z.string(),
  purpose: z.enum(['upload', 'output']),
  mime_type: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  duration_seconds: z.number().nullable(),
  storage_key: z.string(),
  generation_id: z.string().nullable(),
  owner_tenant_id: z.string().nullable().default(null),
  created_at: z.coerce.date(),
});

/** A file written to disk whose database row is not stored yet. */
export interface PreparedAsset {
  id: string;
  purpose: 'upload' | 'output';
  mimeType: string;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  storageKey: string;
  generationId: string | null;
  tenantId: string | null;
}

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

/** Disk errors that mean "no room", not "a bug": the client and the operator hear so. */
const noRoom = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

function storageError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !noRoom.has(code)) return error;
  return new GatewayError({
    code: 'storage_full',
    message: 'The gateway could not store the file: its storage is full or read-only.',
    httpStatus: 507,
    isRetryable: true,
    details: { reason: code },
  });
}

/**
 * Files on local disk under `<dataDir>/assets`, metadata in the database. The file is written
 * (atomically, via rename) before its row exists, so a row always has a file.
 */
export class AssetStore {
  private readonly root: string;
  private readonly directories = new Set<string>();

  constructor(
    private readonly database: Database,
    dataDir: string,
    /** Writes a file; the disk's own by default (tests stand in a full one). */
    private readonly write: (file: string, data: Buffer) => Promise<void> = writeFile,
  ) {
    this.root = path.resolve(dataDir, 'assets');
  }

  async save(input: SaveAssetInput): Promise<Asset> {
    const prepared = await this.writeFile(input);
    try {
      return await this.insertRow(prepared);
    } catch (error) {
      await this.discard([prepared]);
      throw error;
    }
  }

  /**
   * Stores a client's input image. The type comes from the bytes: anything but PNG, JPEG, WebP
   * or GIF is refused with 415, whatever the request claimed. `what` names it in the message.
   */
  async saveImageUpload(
    data: Buffer,
    what = 'The upload',
    tenantId: string | null = null,
  ): Promise<Asset> {
    if (sniffMedia(data)?.kind !== 'image') {
      throw new GatewayError({
        code: 'unsupported_media_type',
        message: `${what} is not a PNG, JPEG, WebP or GIF image.`,
        httpStatus: 415,
      });
    }
    return this.save({ data, purpose: 'upload', tenantId });
  }

  /**
   * Writes the file (atomically) without its row; `insertRow` completes it, possibly inside a
   * larger transaction (job outputs are stored with the job's success, one commit for both).
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
    const storageKey = `${id.slice(-2)}/${id}`;
    const file = path.join(this.root, storageKey);
    // 1,024 shard directories at most: create each once per process, not once per file.
    const directory = path.dirname(file);
    if (!this.directories.has(directory)) {
      await mkdir(directory, { recursive: true });
      this.directories.add(directory);
    }
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      await this.write(temporary, input.data);
      await rename(temporary, file);
    } catch (error) {
      // A half-written file must not stay behind (a full disk once left thousands).
      await rm(temporary, { force: true }).catch(() => undefined);
      throw storageError(error);
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
      generationId: input.generationId ?? null,
      tenantId: input.tenantId ?? null,
    };
  }

  /** Records a written file. */
  async insertRow(prepared: PreparedAsset, executor: Queryable = this.database): Promise<Asset> {
    const { rows } = await executor.query(
      `INSERT INTO assets (id, purpose, mime_type, bytes, sha256, width, height, duration_seconds, storage_key, generation_id, tenant_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *, tenant_id AS owner_tenant_id`,
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
      ],
    );
    return this.toAsset(rows[0]);
  }

  /** Removes written files whose rows were never stored (or rolled back). */
  async discard(prepared: readonly PreparedAsset[]): Promise<void> {
    for (const asset of prepared) await rm(path.join(this.root, asset.storageKey), { force: true });
  }

  async get(id: string): Promise<Asset | undefined> {
    const row = await this.row(id);
    return row ? this.toAsset(row) : undefined;
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
    return createReadStream(path.join(this.root, row.storage_key), range);
  }

  /** Reads a whole file into memory (inputs handed to providers). */
  async read(id: string): Promise<{ data: Buffer; mimeType: string }> {
    const row = await this.row(id);
    if (!row) throw new NotFoundError('asset', id);
    const chunks: Buffer[] = [];
    for await (const chunk of createReadStream(path.join(this.root, row.storage_key)))
      chunks.push(chunk as Buffer);
    return { data: Buffer.concat(chunks), mimeType: row.mime_type };
  }

  /** Deletes assets (outputs of a lost completion race). */
  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const row = await this.row(id);
      if (!row) continue;
      await this.database.query('DELETE FROM assets WHERE id = $1', [id]);
      await rm(path.join(this.root, row.storage_key), { force: true });
    }
  }

  private async row(id: string): Promise<z.infer<typeof AssetRowSchema> | undefined> {
    if (!/^asset_[0-9a-z]{26}$/.test(id)) return undefined;
    // An output belongs to its job's tenant; an upload to its uploader.
    const { rows } = await this.database.query(
      `SELECT a.*, COALESCE(a.tenant_id, g.tenant_id) AS owner_tenant_id
       FROM assets a LEFT JOIN generations g ON g.id = a.generation_id WHERE a.id = $1`,
      [id],
    );
    return rows[0] ? AssetRowSchema.parse(rows[0]) : undefined;
  }

  private toAsset(input: unknown): Asset {
    const row = AssetRowSchema.parse(input);
    return {
      id: row.id,
      purpose: row.purpose,
      mimeType: row.mime_type,
      bytes: row.bytes,
      sha256: row.sha256,
      width: row.width,
      height: row.height,
      durationSeconds: row.duration_seconds,
      generationId: row.generation_id,
      tenantId: row.owner_tenant_id,
      createdAt: row.created_at,
    };
  }
}
