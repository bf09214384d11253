import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../core/errors/index.js';
import { ApiKeyScope } from '../../core/tenancy.js';
import type { AppDependencies } from './app-dependencies.js';
import { adminAuth } from './admin-auth.js';

/** Which admin credential a request holds. */
export type AdminCredential =
  /** The operator's `SWITCHYARD_ADMIN_KEY`: every admin route. */
  | { role: 'operator' }
  /** A tenant key with the `admin` scope: its own tenant's keys and usage. */
  | { role: 'tenant_admin'; tenantId: string; scopes: readonly ApiKeyScope[] };

/** What a tenant admin is told on a route that is the operator's alone (403 `operator_only`). */
export const operatorOnlyMessage =
  "This route needs the operator's admin key (SWITCHYARD_ADMIN_KEY); a tenant's admin key manages only its own tenant, keys and usage.";

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Tells the operator's admin key from a tenant admin's key. Anything else is no admin
 * credential at all and gets the admin key check's answer: 401 for a missing or wrong key (a
 * tenant key without the `admin` scope included, counted by the failed-auth throttle), 403
 * `admin_api_disabled` while no admin key is configured, 429 while an address is locked out.
 */
export function adminCredential(dependencies: Pick<AppDependencies, 'config' | 'apiKeys'>) {
  const operator = adminAuth(dependencies.config);
  const adminDigest = dependencies.config.adminKey
    ? digest(dependencies.config.adminKey)
    : undefined;
  return async (request: FastifyRequest): Promise<AdminCredential> => {
    const presented = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (!adminDigest || !presented || timingSafeEqual(digest(presented), adminDigest)) {
      await operator(request);
      return { role: 'operator' };
    }
    const key = await dependencies.apiKeys
      .authenticate(presented, request.ip)
      .catch((error: unknown) => {
        if (error instanceof UnauthorizedError) return undefined;
        throw error;
      });
    if (!key?.scopes.includes(ApiKeyScope.admin)) {
      // Not the admin key either: the admin key check refuses it and counts the failure.
      await operator(request);
      throw new UnauthorizedError('A valid admin key is required.');
    }
    return { role: 'tenant_admin', tenantId: key.tenantId, scopes: key.scopes };
  };
}
