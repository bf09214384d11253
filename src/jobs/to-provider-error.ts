import { GatewayError, ProviderError } from '../core/errors/index.js';

/**
 * Normalises whatever an adapter threw. Adapters should throw `ProviderError`; anything else
 * (a TypeError from an unexpected response shape) is the provider's bad answer, retryable.
 */
export function toProviderError(providerId: string, error: unknown): ProviderError | GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError({
    providerId,
    code: 'provider_bad_response',
    message: `Unexpected error from provider '${providerId}': ${message.slice(0, 300)}`,
    cause: error,
  });
}

/**
 * Whether the next candidate may be tried after this error. A client mistake (invalid input,
 * rejected content) fails the job; everything that is the provider's or our configuration's
 * fault — outages, limits, credit, auth, disabled — moves on.
 */
export function allowsFallback(error: GatewayError): boolean {
  if (error instanceof ProviderError) {
    // An adapter may flag its own invalid_request as retryable when another provider can take
    // the same request (e.g. it needs a public URL for inputs that another accepts inline).
    return (
      error.isRetryable ||
      (error.code !== 'provider_invalid_request' && error.code !== 'provider_content_rejected')
    );
  }
  return error.isRetryable;
}
