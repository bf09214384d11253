import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors/index.js';
import { assertOwnTenant, tenantAdminAuth, tenantAdminScope } from './tenant-admin-auth.js';
import type { AppDependencies } from './app-dependencies.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { AdminUsageSchema, TenantBalanceSchema } from '../schemas/admin-quota-responses.js';
import { UsageRangeQuery, usageJson, usageRange, usageTotals } from '../schemas/usage-query.js';

/**
 * Admin: adding balance (a `credit` ledger row) and usage by tenant, key, model, provider and
 * day.
 *
 * @example
 * curl -X POST localhost:8787/admin/tenants/acme/balance -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"usd":25}'
 * curl 'localhost:8787/admin/usage?tenant=acme&from=2026-05-01&to=2026-05-31' \
 *   -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY"
 */
export function adminQuotaRoutes(
  dependencies: Pick<AppDependencies, 'tenancy' | 'ledger' | 'usage' | 'config' | 'apiKeys'>,
): FastifyPluginAsyncZod {
  const { tenancy, ledger, usage } = dependencies;
  return async (app) => {
    // Balances stay the operator's; a tenant admin reads its own usage.
    app.addHook('onRequest', tenantAdminAuth(dependencies));

    app.post(
      '/admin/tenants/:id/balance',
      {
        schema: {
          tags: ['admin'],
          summary: "Add to a tenant's balance (a tenant without one starts from 0)",
          params: z.object({ id: z.string().min(1).max(100) }),
          body: z.object({ usd: z.number().positive().max(1e9) }).strict(),
          response: {
            200: jsonResponse('The balance after the credit', TenantBalanceSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request) => {
        const tenant = await tenancy.tenant(request.params.id);
        const funds = await ledger.credit(tenant.id, request.body.usd);
        if (!funds) throw new NotFoundError('tenant', request.params.id);
        return {
          object: 'balance' as const,
          tenant_id: tenant.id,
          balance_usd: funds.balanceUsd,
          reserved_usd: funds.reservedUsd,
          available_usd: Math.round((funds.balanceUsd - funds.reservedUsd) * 1e9) / 1e9,
        };
      },
    );

    app.get(
      '/admin/usage',
      {
        schema: {
          tags: ['admin'],
          summary: 'Spend by tenant, key, model, provider and day',
          querystring: UsageRangeQuery.extend({ tenant: z.string().min(1).max(100).optional() }),
          response: { 200: jsonResponse('Spend', AdminUsageSchema), ...errorResponses(404) },
        },
      },
      async (request) => {
        const asked = request.query.tenant
          ? (await tenancy.tenant(request.query.tenant)).id
          : undefined;
        if (asked !== undefined) assertOwnTenant(request, asked, 'tenant', request.query.tenant!);
        const tenantId = tenantAdminScope(request) ?? asked;
        const rows = await usage.report({
          ...usageRange(request.query),
          tenantId,
          by: ['tenant', 'key', 'model', 'provider', 'day'],
        });
        return { object: 'usage' as const, data: rows.map(usageJson), totals: usageTotals(rows) };
      },
    );
  };
}
