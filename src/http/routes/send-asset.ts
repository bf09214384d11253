import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssetStore } from '../../assets/asset-store.js';
import { GatewayError, NotFoundError } from '../../core/errors/index.js';
import type { Access } from '../../core/tenancy.js';

/** Parses a single `bytes=` range; undefined for no/unsupported header, null for unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined; // multi-range or garbage: serve the whole file, as RFC 9110 allows
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

/**
 * Streams an asset with its content type, ETag and HTTP Range support (206/416), or redirects
 * (302) to a short-lived presigned URL of the object store when so configured.
 */
export async function sendAsset(
  request: FastifyRequest,
  reply: FastifyReply,
  assets: AssetStore,
  id: string,
  filename?: string,
  access?: Access,
): Promise<FastifyReply> {
  const asset = await assets.require(id);
  // Another tenant's file is as unknown as a missing one.
  if (access?.tenantId !== undefined && asset.tenantId !== access.tenantId)
    throw new NotFoundError('asset', id);
  const etag = `"${asset.sha256.slice(0, 32)}"`;
  reply.header('content-type', asset.mimeType);
  reply.header('accept-ranges', 'bytes');
  reply.header('etag', etag);
  reply.header('cache-control', 'private, max-age=31536000, immutable');
  reply.header('x-content-type-options', 'nosniff');
  if (filename) reply.header('content-disposition', `inline; filename="${filename}"`);
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  // The caller passed the auth and tenant checks; the bucket serves the bytes (and Range).
  const redirect = await assets.redirectUrl(id, filename);
  if (redirect) {
    reply.header('cache-control', 'private, no-store');
    return reply.redirect(redirect, 302);
  }
  const range = parseRange(request.headers.range, asset.bytes);
  if (range === null) {
    reply.header('content-range', `bytes */${asset.bytes}`);
    throw new GatewayError({
      code: 'range_not_satisfiable',
      message: `Range not satisfiable for a ${asset.bytes}-byte file.`,
      httpStatus: 416,
    });
  }
  if (range) {
    reply.status(206);
    reply.header('content-range', `bytes ${range.start}-${range.end}/${asset.bytes}`);
    reply.header('content-length', range.end - range.start + 1);
    return reply.send(await assets.open(id, range));
  }
  reply.header('content-length', asset.bytes);
  return reply.send(await assets.open(id));
}
