import { GatewayError } from './gateway-error.js';

/**
 * A request body (an uploaded file) is larger than the configured limit: 413
 * `payload_too_large`, raised as soon as the count passes the limit, whatever Content-Length
 * claimed. Sending the same bytes again cannot succeed.
 */
export class PayloadTooLargeError extends GatewayError {
  constructor(what: string, maxBytes: number) {
    super({
      code: 'payload_too_large',
      message: `${what} is larger than the ${maxBytes}-byte limit.`,
      httpStatus: 413,
      details: { maxBytes },
    });
  }
}
