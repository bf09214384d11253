import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../core/errors/index.js';
import type { AppDependencies } from './app-dependencies.js';
import { adminCredential, operatorOnlyMessage } from './admin-credential.js';

type Dependencies = Pick<AppDependencies, 'config' | 'apiKeys'>;

/**
 * An onRequest hook for the operator's admin routes (providers, routing, rollouts, channels,
 * analytics, events): the admin key passes. A tenant admin is authenticated but not allowed:
 * 403 `operator_only`, saying which key the route needs. A missing or wrong key stays 401.
 */
export function operatorAuth(dependencies: Dependencies) {
  const credentialOf = adminCredential(dependencies);
  return async (request: FastifyRequest): Promise<void> => {
    const credential = await credentialOf(request);
    if (credential.role !== 'operator')
      throw new ForbiddenError('operator_only', operatorOnlyMessage);
  };
}

/**
 * {@link operatorAuth} for operator routes that were open in the system they replace (S3's
 * `/motif/services/...`): open while no admin key is set, the admin key once one is.
 */
export function operatorAuthWhenEnabled(dependencies: Dependencies) {
  const check = operatorAuth(dependencies);
  return async (request: FastifyRequest): Promise<void> => {
    if (dependencies.config.adminKey) await check(request);
  };
}
