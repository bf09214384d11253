import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDependencies } from './app-dependencies.js';
import { jsonResponse } from '../schemas/error-responses.js';
import { LivenessSchema, ReadinessSchema } from '../schemas/public-responses.js';

/**
 * Liveness and readiness.
 *
 * @example
 * curl localhost:8787/readyz
 */
export function healthRoutes(
  dependencies: Pick<AppDependencies, 'readiness'>,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['operations'],
          summary: 'The process is alive',
          response: { 200: jsonResponse('Alive', LivenessSchema) },
        },
      },
      async () => ({ ok: true as const }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          tags: ['operations'],
          summary: 'Database reachable and workers running',
          response: {
            200: jsonResponse('Ready', ReadinessSchema),
            503: jsonResponse('Not ready (the same body, `ok: false`)', ReadinessSchema),
          },
        },
      },
      async (_request, reply) => {
        const readiness = await dependencies.readiness.check();
        return reply.status(readiness.ok ? 200 : 503).send(readiness);
      },
    );
  };
}
