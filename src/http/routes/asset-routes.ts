import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDependencies } from './app-dependencies.js';
import { accessOf } from './api-key-auth.js';
import { sendAsset } from './send-asset.js';

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
