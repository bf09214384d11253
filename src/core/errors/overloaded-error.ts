import { GatewayError, type ErrorDetails } from './gateway-error.js';

/**
 * This instance is at one of its admission limits (held waiting clients, inline submissions):
 * 503 `overloaded` with `Retry-After`, sent before anything is stored, so a retry (here or on
 * another instance) is always safe.
 */
export class OverloadedError extends GatewayError {
  /** How long the caller should wait before trying again. */
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, details?: ErrorDetails) {
    super({ code: 'overloaded', message, httpStatus: 503, isRetryable: true, details });
    this.retryAfterMs = Math.max(1000, retryAfterMs);
  }
}
