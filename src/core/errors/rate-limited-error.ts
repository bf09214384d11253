import { GatewayError, type ErrorDetails } from './gateway-error.js';

/** Why a caller was told to slow down. */
export const RateLimitCode = {
  /** The key used up its requests per minute. */
  rateLimited: 'rate_limited',
  /** The key has as many unfinished jobs as it may have at once. */
  concurrencyLimit: 'concurrency_limit',
  /** The caller's address sent too many wrong admin keys in the last minute. */
  tooManyAuthFailures: 'too_many_auth_failures',
} as const;
export type RateLimitCode = (typeof RateLimitCode)[keyof typeof RateLimitCode];

/**
 * A caller's own limit was reached (429): `rate_limited` or `concurrency_limit`. The error
 * handler sends `Retry-After` (whole seconds, rounded up) from `retryAfterMs`. Not the
 * provider's rate limit, which is a `ProviderError` the router falls back on.
 */
export class RateLimitedError extends GatewayError {
  /** How long the caller should wait before trying again. */
  readonly retryAfterMs: number;

  constructor(code: RateLimitCode, message: string, retryAfterMs: number, details?: ErrorDetails) {
    super({ code, message, httpStatus: 429, isRetryable: true, details });
    // Retry-After 0 would invite an immediate retry that fails the same way.
    this.retryAfterMs = Math.max(1000, retryAfterMs);
  }
}
