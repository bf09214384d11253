import { GatewayError, type ErrorDetails } from './gateway-error.js';

/** The client sent something malformed or out of range. Never retryable. */
export class ValidationError extends GatewayError {
  constructor(message: string, details?: ErrorDetails, code = 'invalid_request') {
    super({ code, message, httpStatus: 400, details });
  }
}
