import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDependencies } from './app-dependencies.js';
import { accessOf } from './api-key-auth.js';
import { sendAsset } from './send-asset.js';
import { errorResponses } from '../schemas/error-responses.js';
import { binaryResponse } from '../schemas/public-responses.js';

const mediaTypes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4'] as const;

/**
 * Serves uploaded inputs and generated outputs.
 *
 * @example
 * curl -H 'Range: bytes=0-1023' localhost:8787/v1/assets/asset_01j…
 */
export function assetRoutes(dependencies: Pick<AppDependencies, 'assets'>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/assets/:id',
      {
        schema: {
          tags: ['assets'],
          summary: 'Download an asset (supports Range)',
          params: z.object({ id: z.string().min(1).max(100) }),
          response: {
            200: binaryResponse('The whole file', mediaTypes),
            206: binaryResponse('The requested byte range (`Range: bytes=…`)', mediaTypes),
            ...errorResponses(404, 416),
          },
        },
      },
      async (request, reply) =>
        sendAsset(
          request,
          reply,
          dependencies.assets,
          request.params.id,
          undefined,
          accessOf(request),
        ),
    );
  };
}
