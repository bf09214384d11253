import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDependencies } from './app-dependencies.js';

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
      { schema: { tags: ['operations'], summary: 'The process is alive' } },
      async () => ({ ok: true }),
    );
    app.get(
      '/readyz',
      { schema: { tags: ['operations'], summary: 'Database reachable and workers running' } },
      async (_request, reply) => {
        const readiness = await dependencies.readiness.check();
        return reply.status(readiness.ok ? 200 : 503).send(readiness);
      },
    );
  };
}
