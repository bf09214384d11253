import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError, UnauthorizedError } from '../../core/errors/index.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * An onRequest hook for `/admin` routes (before the body is read or validated, so an
 * unauthenticated caller learns nothing of the schemas): `Authorization: Bearer <SWITCHYARD_ADMIN_KEY>`, compared in
 * constant time (on digests, so lengths leak nothing).
 */
export function adminAuth(adminKey: string | undefined) {
  const expected = adminKey ? digest(adminKey) : undefined;
  return async (request: FastifyRequest): Promise<void> => {
    if (!expected) {
      throw new GatewayError({
        code: 'admin_api_disabled',
        message: 'The admin API is disabled; set SWITCHYARD_ADMIN_KEY to enable it.',
        httpStatus: 403,
      });
    }
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new UnauthorizedError(
        'A valid admin key is required (Authorization: Bearer <SWITCHYARD_ADMIN_KEY>).',
      );
    }
  };
}

/**
 * An onRequest hook for operator routes that were open in the system they replace (S3's
 * `/motif/services/...`): open while no admin key is set, the admin key once one is.
 */
export function adminAuthWhenEnabled(adminKey: string | undefined) {
  const check = adminAuth(adminKey);
  return async (request: FastifyRequest): Promise<void> => {
    if (adminKey) await check(request);
  };
}
