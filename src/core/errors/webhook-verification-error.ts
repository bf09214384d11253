import { GatewayError } from './gateway-error.js';

/**
 * An inbound webhook failed Standard Webhooks verification: missing headers, a timestamp outside
 * the tolerance window, or no matching signature. The sender is not trusted, so 401.
 */
export class WebhookVerificationError extends GatewayError {
  /**
   * @param message Safe explanation for the sender.
   * @param reason Short machine-readable reason, e.g. `missing_headers`, `timestamp_too_old`.
   */
  constructor(message: string, reason: string) {
    super({
      code: 'webhook_verification_failed',
      message,
      httpStatus: 401,
      details: { reason },
    });
  }
}
