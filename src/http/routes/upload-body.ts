import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError, ValidationError } from '../../core/errors/index.js';
import { multipartParts } from './multipart-parts.js';

/** Lets a route plugin take a raw image body (the type is sniffed later, never trusted). */
export function addImageBodyParser(app: FastifyInstance, maxBytes: number): void {
  app.addContentTypeParser(
    ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: maxBytes },
    (_request, body, done) => done(null, body),
  );
}

/** The uploaded bytes: the multipart `file` part, or the raw body. */
export async function readImageUpload(request: FastifyRequest): Promise<Buffer> {
  let data: Buffer;
  if (request.isMultipart()) {
    let file: Buffer | undefined;
    // The first file part, as `request.file()` took it; the rest of the body is drained.
    for await (const part of multipartParts(request))
      if (part.type === 'file' && file === undefined) file = part.data;
    if (!file)
      throw new ValidationError(
        'The multipart body has no file part (use the field name `file`).',
        {
          parameter: 'file',
        },
      );
    data = file;
  } else if (Buffer.isBuffer(request.body)) {
    data = request.body;
  } else {
    throw new GatewayError({
      code: 'unsupported_media_type',
      message:
        'Send multipart/form-data with a `file` field, or a raw image body (image/png, image/jpeg, image/webp, image/gif).',
      httpStatus: 415,
    });
  }
  if (data.length === 0) throw new ValidationError('The upload is empty.', { parameter: 'file' });
  return data;
}
