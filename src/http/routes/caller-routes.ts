import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jsonResponse } from '../schemas/error-responses.js';
import { CallerSchema } from '../schemas/public-responses.js';

/**
 * `GET /v1/me`: who the gateway takes the caller for: `open` (no auth mode), `admin`, or a
 * tenant key with its effective group, scopes and models, as this instance sees it now.
 *
 * @example
 * curl localhost:8787/v1/me -H "authorization: Bearer $SWITCHYARD_API_KEY"
 */
export function callerRoutes(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/me',
      {
        schema: {
          tags: ['generations'],
          summary: 'The calling key as the gateway sees it',
          response: { 200: jsonResponse('The caller', CallerSchema) },
        },
      },
      async (request) => {
        const { caller } = request;
        if (caller.kind !== 'tenant') return { object: 'caller' as const, kind: caller.kind };
        const { key } = caller;
        return {
          object: 'caller' as const,
          kind: 'tenant' as const,
          tenant_id: key.tenantId,
          key_id: key.id,
          prefix: key.prefix,
          group: key.effectiveGroup,
          scopes: key.scopes,
          models: key.models,
          rate_limit_rpm: caller.limits.requestsPerMinute ?? null,
          max_concurrent_jobs: caller.limits.maxConcurrentJobs ?? null,
          expires_at: key.expiresAt?.toISOString() ?? null,
        };
      },
    );
  };
}
