import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { WebhookReceivedSchema } from '../schemas/public-responses.js';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors/index.js';
import type { AppDependencies } from './app-dependencies.js';

/**
 * Inbound provider callbacks. The body is kept raw: signatures are computed over exact bytes.
 *
 * @example
 * (called by providers) POST /v1/providers/replicate/webhook
 */
export function providerWebhookRoutes(
  dependencies: Pick<AppDependencies, 'inboundWebhooks' | 'config'>,
): FastifyPluginAsyncZod {
  const { inboundWebhooks, config } = dependencies;
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: config.webhooks.inboundBodyLimitBytes },
      (_request, body, done) => done(null, body),
    );
    // Unauthenticated by nature: refuse an unknown provider before a byte of the body is read.
    app.addHook('onRequest', async (request) => {
      const { provider } = request.params as { provider?: string };
      if (provider !== undefined && !inboundWebhooks.accepts(provider))
        throw new NotFoundError('provider_webhook', provider);
    });
    app.post(
      '/v1/providers/:provider/webhook',
      {
        schema: {
          tags: ['providers'],
          summary: 'Provider callback (verified per provider)',
          params: z.object({ provider: z.string().min(1).max(100) }),
          response: {
            200: jsonResponse('Taken', WebhookReceivedSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request, reply) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers))
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        const query: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.query as Record<string, unknown>))
          query[name] = typeof value === 'string' ? value : undefined;
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const { matched } = await inboundWebhooks.handle(request.params.provider, {
          headers,
          rawBody,
          query,
        });
        return reply.status(200).send({ received: true, matched });
      },
    );
  };
}
