import { z } from 'zod';
import { StorageUnavailableError } from '../core/errors/index.js';
import type { OutputFileRow } from '../store/repositories/mark-submitted-and-succeeded.js';

/**
 * A stored file: an upload or a job output, as its row describes it without where the bytes are.
 * `tenantId` is the owner: the uploader, or the tenant of the job that produced it.
 */
export interface Asset extends Omit<OutputFileRow, 'storageKey' | 'inlineBytes'> {
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
  /** The object's key in the object store; null when the bytes are in `inline_bytes`. */
  storage_key: z.string().nullable(),
  // node-postgres reads bytea as a Buffer, PGlite as a Uint8Array.
  inline_bytes: z.instanceof(Uint8Array).nullable().default(null),
  generation_id: z.string().nullable(),
  owner_tenant_id: z.string().nullable().default(null),
  created_at: z.coerce.date(),
});

/** An `assets` row as read (with `owner_tenant_id`, the uploader's or the job's tenant). */
export type AssetRow = z.infer<typeof AssetRowSchema>;

/** Checks a row read from `assets`. */
export function parseAssetRow(input: unknown): AssetRow {
  return AssetRowSchema.parse(input);
}

/** The public shape of a row. */
export function assetOfRow(input: unknown): Asset {
  const row = parseAssetRow(input);
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

/** The bytes of a row stored inline (ADR 0028), as a Buffer over the same memory. */
export function inlineBytesOf(row: Pick<AssetRow, 'id' | 'inline_bytes'>): Buffer {
  const bytes = row.inline_bytes;
  // The table's check keeps one of the two; a row without either is damaged.
  if (!bytes) throw new StorageUnavailableError('read', new Error(`asset ${row.id} has no bytes`));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
