import type { FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError } from '../../core/errors/index.js';
import type { ApiKeyScope } from '../../core/tenancy.js';
import type { AppDependencies } from './app-dependencies.js';
import { adminCredential, operatorOnlyMessage } from './admin-credential.js';

/**
 * What a tenant key with the `admin` scope may call under `/admin`: its own tenant, its keys and
 * its spend. Providers, routing, rollouts, channels, balances and other tenants stay with the
 * operator's admin key.
 */
const tenantAdminRoutes = new Set([
  'GET /admin/tenants/:id',
  'GET /admin/keys',
  'POST /admin/keys',
  'GET /admin/keys/:id',
  'PATCH /admin/keys/:id',
  'DELETE /admin/keys/:id',
  'GET /admin/usage',
  'GET /admin/whoami',
]);

/** The tenant a request's tenant admin is confined to; absent for the operator's admin key. */
const confinedTo = new WeakMap<FastifyRequest, string>();
/** The scopes of a tenant admin's key (for `GET /admin/whoami`). */
const scopesOf = new WeakMap<FastifyRequest, readonly ApiKeyScope[]>();

/**
 * A preHandler for the admin routes a tenant may administer itself: the admin key passes as
 * before; a tenant key with the `admin` scope passes for the routes above, confined to its
 * tenant (handlers read `tenantAdminScope`), and is refused the others (403 `operator_only`);
 * any other key is refused as a wrong key (401).
 */
export function tenantAdminAuth(dependencies: Pick<AppDependencies, 'config' | 'apiKeys'>) {
  const credentialOf = adminCredential(dependencies);
  return async (request: FastifyRequest): Promise<void> => {
    const credential = await credentialOf(request);
    if (credential.role === 'operator') return;
    if (!tenantAdminRoutes.has(`${request.method} ${request.routeOptions.url ?? ''}`))
      throw new ForbiddenError('operator_only', operatorOnlyMessage);
    confinedTo.set(request, credential.tenantId);
    scopesOf.set(request, credential.scopes);
  };
}

/** The scopes of a tenant admin's key; undefined for the operator (who has every scope). */
export function tenantAdminScopes(request: FastifyRequest): readonly ApiKeyScope[] | undefined {
  return scopesOf.get(request);
}

/** The tenant a tenant admin is confined to, or undefined for the operator. */
export function tenantAdminScope(request: FastifyRequest): string | undefined {
  return confinedTo.get(request);
}

/**
 * Refuses a tenant admin a resource of another tenant as if it did not exist (ids of other
 * tenants are not confirmed).
 */
export function assertOwnTenant(
  request: FastifyRequest,
  tenantId: string,
  resource: string,
  id: string,
): void {
  const scope = tenantAdminScope(request);
  if (scope !== undefined && scope !== tenantId) throw new NotFoundError(resource, id);
}

/**
 * What a key may carry that only the operator sets: the routing group override (which channels
 * serve it) and its rate limits. A tenant admin setting them would pick channels of another
 * group or lift the limits the operator gave it, so it is refused them on create and change.
 */
const operatorKeyFields = ['group', 'rate_limit_rpm', 'max_concurrent_jobs'] as const;

export function assertTenantMaySet(request: FastifyRequest, body: object): void {
  if (tenantAdminScope(request) === undefined) return;
  const fields = operatorKeyFields.filter(
    (field) => (body as Record<string, unknown>)[field] !== undefined,
  );
  if (fields.length > 0)
    throw new ForbiddenError(
      'operator_only',
      `Only the operator's admin key sets a key's ${fields.join(', ')}.`,
      { fields },
    );
}
