import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors/index.js';
import type { UnavailableOffering } from '../../routing/control-plane/offering-availability.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuth } from './operator-auth.js';
import { authorOf } from './admin-routing-routes.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import {
  RestoredOfferingSchema,
  UnavailableOfferingListSchema,
} from '../schemas/admin-offering-responses.js';

function view(mark: UnavailableOffering) {
  return {
    provider: mark.provider,
    model: mark.model,
    provider_model_id: mark.providerModelId,
    code: mark.code,
    reason: mark.reason,
    since: mark.since,
  };
}

/**
 * Admin: offerings taken out of routing because their provider refused the model (a retired
 * model answers "model not found"), and restoring one once the catalog or the provider is fixed.
 *
 * @example
 * curl localhost:8787/admin/offerings/unavailable -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY"
 * curl -X POST localhost:8787/admin/offerings/runware/veo-3-fast/restore \
 *   -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" -H 'content-type: application/json' \
 *   -d '{"reason":"catalog points at google:3@3 now"}'
 */
export function adminOfferingRoutes(
  dependencies: Pick<AppDependencies, 'offerings' | 'instances' | 'config' | 'apiKeys'>,
): FastifyPluginAsyncZod {
  const { offerings, instances } = dependencies;
  return async (app) => {
    app.addHook('onRequest', operatorAuth(dependencies));
    app.get(
      '/admin/offerings/unavailable',
      {
        schema: {
          tags: ['admin'],
          summary: 'Offerings skipped by routing because their provider refused the model',
          response: {
            200: jsonResponse('Every offering marked unavailable', UnavailableOfferingListSchema),
          },
        },
      },
      async () => ({ object: 'list' as const, data: offerings.list().map(view) }),
    );
    app.post(
      '/admin/offerings/:provider/:model/restore',
      {
        schema: {
          tags: ['admin'],
          summary: 'Route an offering marked unavailable again, on every instance',
          params: z.object({ provider: z.string(), model: z.string() }),
          body: z
            .object({ reason: z.string().max(500).optional() })
            .strict()
            .optional(),
          response: {
            200: jsonResponse('The offering, routed again', RestoredOfferingSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request) => {
        const { provider, model } = request.params;
        const served = instances
          .offeringsFor(model)
          .some(({ instance }) => instance.adapter.id === provider);
        if (!served) throw new NotFoundError('offering', `${provider}/${model}`);
        const restored = await offerings.restore(
          provider,
          model,
          authorOf(request, request.body?.reason),
        );
        if (!restored) throw new NotFoundError('unavailable_offering', `${provider}/${model}`);
        request.log.warn({ provider, model }, 'offering restored by an operator');
        return { object: 'offering' as const, provider, model, available: true as const };
      },
    );
  };
}
