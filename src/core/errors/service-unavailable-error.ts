import { GatewayError, type ErrorDetails } from './gateway-error.js';

/** The gateway cannot serve the request right now (no provider, all failed, shutting down). */
export class ServiceUnavailableError extends GatewayError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super({ code, message, httpStatus: 503, isRetryable: true, details });
  }
}
