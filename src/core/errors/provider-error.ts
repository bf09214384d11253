import { GatewayError, type ErrorDetails } from './gateway-error.js';

/** Stable codes for failures that come from a provider. */
export const ProviderErrorCode = {
  authFailed: 'provider_auth_failed',
  insufficientCredits: 'provider_insufficient_credits',
  rateLimited: 'provider_rate_limited',
  invalidRequest: 'provider_invalid_request',
  unavailable: 'provider_unavailable',
  timeout: 'provider_timeout',
  badResponse: 'provider_bad_response',
  contentRejected: 'provider_content_rejected',
  generationFailed: 'provider_generation_failed',
  disabled: 'provider_disabled',
  /**
   * The provider does not know (or no longer serves) the offering's model id: retired, renamed
   * or not enabled for this account. It is about our catalog, not the client's request, so the
   * job moves to the next candidate and the offering is marked unavailable.
   */
  modelUnavailable: 'provider_model_unavailable',
} as const;
export type ProviderErrorCode = (typeof ProviderErrorCode)[keyof typeof ProviderErrorCode];

const retryableCodes: ReadonlySet<string> = new Set([
  ProviderErrorCode.insufficientCredits,
  ProviderErrorCode.rateLimited,
  ProviderErrorCode.unavailable,
  ProviderErrorCode.timeout,
  ProviderErrorCode.badResponse,
  ProviderErrorCode.disabled,
  ProviderErrorCode.modelUnavailable,
]);

const httpStatusByCode: Record<ProviderErrorCode, number> = {
  provider_auth_failed: 502,
  provider_insufficient_credits: 502,
  provider_rate_limited: 429,
  provider_invalid_request: 400,
  provider_unavailable: 502,
  provider_timeout: 504,
  provider_bad_response: 502,
  provider_content_rejected: 422,
  provider_generation_failed: 502,
  provider_disabled: 403,
  provider_model_unavailable: 502,
};

/** The HTTP status a provider error code is rendered with; undefined for other codes. */
export function providerErrorHttpStatus(code: string): number | undefined {
  return (httpStatusByCode as Record<string, number | undefined>)[code];
}

export interface ProviderErrorOptions {
  /** Provider instance id (`runware`, `fal`, `sim-b`, …). */
  providerId: string;
  /** One of {@link ProviderErrorCode}. */
  code: ProviderErrorCode;
  /** Message safe to show to clients. */
  message: string;
  /** HTTP status the provider answered with, when there was an answer. */
  statusCode?: number;
  /** Milliseconds the provider asked us to wait (`Retry-After`). */
  retryAfterMs?: number;
  /** First bytes of the provider's response body, for logs and job attempts. */
  responseBody?: string;
  /** Overrides the default retryability of `code`. */
  isRetryable?: boolean;
  details?: ErrorDetails;
  cause?: unknown;
}

/**
 * A failure reported by (or on the way to) a provider. `isRetryable` tells the router whether
 * another try or another provider may succeed: rate limits, 5xx, timeouts and empty credit are
 * retryable; auth failures and invalid requests are not.
 */
export class ProviderError extends GatewayError {
  readonly providerId: string;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly responseBody: string | undefined;

  constructor(options: ProviderErrorOptions) {
    super({
      code: options.code,
      message: options.message,
      httpStatus: httpStatusByCode[options.code],
      isRetryable: options.isRetryable ?? retryableCodes.has(options.code),
      details: { provider: options.providerId, ...options.details },
      cause: options.cause,
    });
    this.providerId = options.providerId;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
    this.responseBody = options.responseBody?.slice(0, 2000);
  }
}
