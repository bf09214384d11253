import { ProviderError, type ProviderErrorCode } from '../../core/errors/index.js';
import { parseRetryAfter } from './parse-retry-after.js';

/** A non-2xx provider answer, as adapters see it for error mapping. */
export interface ProviderErrorResponse {
  status: number;
  headers: Headers;
  /** Raw body text (truncated in errors). */
  text: string;
  /** Parsed JSON body, when it was JSON. */
  json: unknown;
}

/** Default HTTP status → error code mapping shared by all adapters. */
export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 401 || status === 403) return 'provider_auth_failed';
  if (status === 402) return 'provider_insufficient_credits';
  if (status === 429) return 'provider_rate_limited';
  if (status === 408 || status === 504) return 'provider_timeout';
  if (status >= 500) return 'provider_unavailable';
  return 'provider_invalid_request';
}

/**
 * Builds the typed error for a failed provider call. `message` should be the provider's own
 * explanation when it gave one (adapters extract it from their envelope).
 */
export function providerErrorFromResponse(
  providerId: string,
  response: ProviderErrorResponse,
  overrides: { code?: ProviderErrorCode; message?: string } = {},
): ProviderError {
  const code = overrides.code ?? codeForStatus(response.status);
  const detail = overrides.message ?? response.text.slice(0, 300);
  return new ProviderError({
    providerId,
    code,
    message: `${providerId} answered ${response.status}${detail ? `: ${detail}` : ''}`,
    statusCode: response.status,
    retryAfterMs: parseRetryAfter(response.headers),
    responseBody: response.text,
  });
}
