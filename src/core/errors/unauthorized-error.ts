import { GatewayError } from './gateway-error.js';

/** Missing or wrong credentials for a protected route. */
export class UnauthorizedError extends GatewayError {
  constructor(message = 'A valid API key is required (Authorization: Bearer <key>).') {
    super({ code: 'unauthorized', message, httpStatus: 401 });
  }
}
