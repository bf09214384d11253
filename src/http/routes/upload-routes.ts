import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayError, ValidationError } from '../../core/errors/index.js';
import type { AppDependencies } from './app-dependencies.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';

/**
 * Uploads of input images: `multipart/form-data` (field `file`) or a raw image body. The type
 * is sniffed from the bytes, never taken from headers.
 *
 * @example
 * curl -X POST localhost:8787/v1/uploads -H 'content-type: image/png' --data-binary @cat.png
 */
export function uploadRoutes(
  dependencies: Pick<AppDependencies, 'assets' | 'config'>,
): FastifyPluginAsyncZod {
  const { assets, config } = dependencies;
  const maxBytes = config.uploads.maxBytes;
  return async (app) => {
    app.addContentTypeParser(
      ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: maxBytes },
      (_request, body, done) => done(null, body),
    );

    app.post(
      '/v1/uploads',
      {
        bodyLimit: maxBytes,
        schema: {
          tags: ['assets'],
          summary: 'Upload an input image',
          description: `multipart/form-data with a \`file\` field, or a raw image body. PNG, JPEG, WebP or GIF up to ${maxBytes} bytes.`,
        },
      },
      async (request, reply) => {
        let data: Buffer;
        if (request.isMultipart()) {
          const file = await request.file();
          if (!file)
            throw new ValidationError(
              'The multipart body has no file part (use the field name `file`).',
              { parameter: 'file' },
            );
          data = await file.toBuffer();
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
        if (data.length === 0)
          throw new ValidationError('The upload is empty.', { parameter: 'file' });
        const asset = await assets.saveImageUpload(
          data,
          undefined,
          accessOf(request)?.tenantId ?? null,
        );
        return reply.status(201).send({
          id: asset.id,
          object: 'asset',
          url: `${baseUrlOf(request, config.publicUrl)}/v1/assets/${asset.id}`,
          mime_type: asset.mimeType,
          bytes: asset.bytes,
          width: asset.width,
          height: asset.height,
          created_at: asset.createdAt.toISOString(),
        });
      },
    );
  };
}
