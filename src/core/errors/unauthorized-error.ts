import { GatewayError } from './gateway-error.js';

/**
 * Missing or wrong credentials for a protected route: `unauthorized` (admin API),
 * `missing_api_key` or `invalid_api_key` (unknown, revoked or expired).
 */
export class UnauthorizedError extends GatewayError {
  constructor(
    message = 'A valid API key is required (Authorization: Bearer <key>).',
    code = 'unauthorized',
  ) {
    super({ code, message, httpStatus: 401 });
  }
}
