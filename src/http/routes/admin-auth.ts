import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import {
  GatewayError,
  RateLimitCode,
  RateLimitedError,
  UnauthorizedError,
} from '../../core/errors/index.js';
import type { Config } from '../../config/config-schema.js';
import { FailedAuthThrottle } from './failed-auth-throttle.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

type AdminAuthConfig = Pick<Config, 'adminKey' | 'adminAuthFailuresPerMinute'>;

/** One throttle per gateway (its config), shared by every admin route plugin. */
const throttles = new WeakMap<AdminAuthConfig, FailedAuthThrottle>();

function throttleOf(config: AdminAuthConfig): FailedAuthThrottle {
  let throttle = throttles.get(config);
  if (!throttle) {
    throttle = new FailedAuthThrottle(config.adminAuthFailuresPerMinute);
    throttles.set(config, throttle);
  }
  return throttle;
}

/**
 * An onRequest hook for `/admin` routes (before the body is read or validated, so an
 * unauthenticated caller learns nothing of the schemas): `Authorization: Bearer <SWITCHYARD_ADMIN_KEY>`, compared in
 * constant time (on digests, so lengths leak nothing).
 */
export function adminAuth(config: AdminAuthConfig) {
  const { adminKey } = config;
  const expected = adminKey ? digest(adminKey) : undefined;
  const throttle = throttleOf(config);
  return async (request: FastifyRequest): Promise<void> => {
    if (!expected) {
      throw new GatewayError({
        code: 'admin_api_disabled',
        message: 'The admin API is disabled; set SWITCHYARD_ADMIN_KEY to enable it.',
        httpStatus: 403,
      });
    }
    // Checked before the key, so a locked-out address learns nothing from further guesses.
    const waitMs = throttle.retryAfterMs(request.ip);
    if (waitMs > 0)
      throw new RateLimitedError(
        RateLimitCode.tooManyAuthFailures,
        'Too many wrong admin keys from this address; try again later.',
        waitMs,
      );
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throttle.fail(request.ip);
      throw new UnauthorizedError(
        'A valid admin key is required (Authorization: Bearer <SWITCHYARD_ADMIN_KEY>).',
      );
    }
  };
}
