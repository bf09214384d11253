import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Asset, AssetStore } from '../../assets/asset-store.js';
import { GatewayError, ValidationError } from '../../core/errors/index.js';
import { accessOf } from './api-key-auth.js';
import { clientBodyStream, drainBody } from './client-body-stream.js';
import { multipartParts } from './multipart-parts.js';

/**
 * Lets a route plugin take a raw image body (the type is sniffed later, never trusted). The body
 * stays a stream: {@link saveImageBody} writes it to the store as it arrives and counts it there,
 * which is where the size limit is enforced.
 */
export function addImageBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/octet-stream'],
    (_request, payload, done) => done(null, payload),
  );
}

/** A read error of the raw body: the client stopped sending (or the connection broke). */
function asBodyError(error: unknown): unknown {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ValidationError(`The upload ended before its last byte: ${message}`, {
    parameter: 'file',
  });
}

/** The Content-Length a raw body declares; undefined when chunked or unparseable. */
function declaredLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || request.headers['transfer-encoding'] !== undefined) return undefined;
  const value = Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Stores the uploaded image — the multipart `file` part, or the raw body — as it arrives, for the
 * calling tenant. After a refusal the rest of the body is drained, never buffered.
 */
export async function saveImageBody(
  request: FastifyRequest,
  assets: AssetStore,
  maxBytes: number,
): Promise<Asset> {
  const tenantId = accessOf(request)?.tenantId ?? null;
  if (request.isMultipart()) {
    let asset: Asset | undefined;
    // The first file part, as `request.file()` took it; the rest of the body is drained.
    for await (const part of multipartParts(request))
      if (part.type === 'file' && asset === undefined)
        asset = await assets.saveImageUpload({ body: part.file, maxBytes, tenantId });
    if (!asset)
      throw new ValidationError(
        'The multipart body has no file part (use the field name `file`).',
        { parameter: 'file' },
      );
    return asset;
  }
  const body = request.body;
  if (!(body instanceof Readable)) {
    throw new GatewayError({
      code: 'unsupported_media_type',
      message:
        'Send multipart/form-data with a `file` field, or a raw image body (image/png, image/jpeg, image/webp, image/gif).',
      httpStatus: 415,
    });
  }
  try {
    return await assets.saveImageUpload({
      body: clientBodyStream(body, asBodyError),
      maxBytes,
      tenantId,
      declaredBytes: declaredLength(request),
    });
  } catch (error) {
    drainBody(body);
    throw error;
  }
}
