import { GatewayError, type ErrorDetails } from './gateway-error.js';

/** The request conflicts with current state (idempotency key reuse, terminal job, …). */
export class ConflictError extends GatewayError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super({ code, message, httpStatus: 409, details });
  }
}
