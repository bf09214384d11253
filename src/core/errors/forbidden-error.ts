import { GatewayError, type ErrorDetails } from './gateway-error.js';

/**
 * A valid caller may not do this: `model_not_allowed`, `scope_denied`, `ip_not_allowed`. Never
 * used for another tenant's resources, which answer 404 (no existence oracle).
 */
export class ForbiddenError extends GatewayError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super({ code, message, httpStatus: 403, details });
  }
}
