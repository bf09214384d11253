import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDependencies } from './app-dependencies.js';
import { baseUrlOf } from './base-url.js';
import { addImageBodyParser, saveImageBody } from './upload-body.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { AssetSchema } from '../schemas/public-responses.js';
import { uploadBodyDocs } from '../schemas/upload-body-docs.js';

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
    addImageBodyParser(app);

    app.post(
      '/v1/uploads',
      {
        bodyLimit: maxBytes,
        schema: {
          tags: ['assets'],
          summary: 'Upload an input image',
          description: `multipart/form-data with a \`file\` field, or a raw image body. PNG, JPEG, WebP or GIF up to ${maxBytes} bytes.`,
          ...uploadBodyDocs,
          response: {
            201: jsonResponse('Stored', AssetSchema),
            ...errorResponses(413, 415),
          },
        },
      },
      async (request, reply) => {
        const asset = await saveImageBody(request, assets, maxBytes);
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
