import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDependencies } from './app-dependencies.js';
import { ApiKeyScope } from '../../core/tenancy.js';
import { tenantAdminAuth, tenantAdminScope, tenantAdminScopes } from './tenant-admin-auth.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';

const AdminCallerSchema = z
  .object({
    object: z.literal('admin_caller'),
    /** `operator`: the admin key, every admin route; `tenant_admin`: its own tenant only. */
    role: z.enum(['operator', 'tenant_admin']),
    tenant: z.object({ id: z.string(), name: z.string() }).nullable(),
    /**
     * What the key may do on `/v1` besides administering: a tenant admin's key scopes (the
     * dashboard hides the Jobs page from a key without `read`); every scope for the operator.
     */
    scopes: z.array(z.enum(ApiKeyScope)),
  })
  .meta({ id: 'AdminCaller' });

/**
 * `GET /admin/whoami`: which admin credential the caller holds. The dashboard signs in with it
 * and shows a tenant admin only the pages its key may use (every other admin route answers it
 * 403 `operator_only`, and the server, not the menu, enforces that).
 *
 * @example
 * curl localhost:8787/admin/whoami -H "authorization: Bearer $KEY"
 */
export function adminWhoamiRoutes(
  dependencies: Pick<AppDependencies, 'tenancy' | 'config' | 'apiKeys'>,
): FastifyPluginAsyncZod {
  const { tenancy } = dependencies;
  return async (app) => {
    app.addHook('onRequest', tenantAdminAuth(dependencies));
    app.get(
      '/admin/whoami',
      {
        schema: {
          tags: ['admin'],
          summary: 'The admin credential of the caller: the operator, or a tenant admin',
          response: { 200: jsonResponse('The caller', AdminCallerSchema), ...errorResponses() },
        },
      },
      async (request) => {
        const scope = tenantAdminScope(request);
        if (scope === undefined)
          return {
            object: 'admin_caller' as const,
            role: 'operator' as const,
            tenant: null,
            scopes: Object.values(ApiKeyScope),
          };
        const tenant = await tenancy.tenant(scope);
        return {
          object: 'admin_caller' as const,
          role: 'tenant_admin' as const,
          tenant: { id: tenant.id, name: tenant.name },
          scopes: [...(tenantAdminScopes(request) ?? [])],
        };
      },
    );
  };
}
