import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jsonResponse } from '../schemas/error-responses.js';
import { UsageSchema } from '../schemas/public-responses.js';
import type { AppDependencies } from './app-dependencies.js';
import { UsageRangeQuery, usageJson, usageRange, usageTotals } from '../schemas/usage-query.js';

/**
 * `GET /v1/usage?from=&to=`: the caller's spend by day and model, from the ledger. A tenant key
 * sees its own tenant only (with its balance); the admin key and an open gateway see every
 * tenant's metered jobs.
 *
 * @example
 * curl 'localhost:8787/v1/usage?from=2026-05-01' -H "authorization: Bearer $SWITCHYARD_API_KEY"
 */
export function usageRoutes(
  dependencies: Pick<AppDependencies, 'usage' | 'ledger'>,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/usage',
      {
        schema: {
          tags: ['generations'],
          summary: "The caller's spend by day and model",
          querystring: UsageRangeQuery,
          response: { 200: jsonResponse('Spend', UsageSchema) },
        },
      },
      async (request) => {
        const { caller } = request;
        const tenantId = caller.kind === 'tenant' ? caller.key.tenantId : undefined;
        const rows = await dependencies.usage.report({
          ...usageRange(request.query),
          tenantId,
          by: ['day', 'model'],
        });
        const funds = tenantId ? await dependencies.ledger.funds(tenantId) : undefined;
        return {
          object: 'usage' as const,
          tenant_id: tenantId ?? null,
          balance_usd: funds?.balanceUsd ?? null,
          reserved_usd: funds?.reservedUsd ?? null,
          data: rows.map(usageJson),
          totals: usageTotals(rows),
        };
      },
    );
  };
}
