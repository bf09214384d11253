import { ProviderError, type ProviderErrorCode } from '../../core/errors/index.js';
import { parseRetryAfter } from '../kernel/parse-retry-after.js';
import {
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from '../kernel/provider-error-from-status.js';
import { GoogleErrorBodySchema } from './google-api-schemas.js';

/** Removes the API key (and anything shaped like a Google API key) from echoed text. */
export function redactGoogleSecrets(text: string, apiKey: string): string {
  const withoutKey = apiKey.length >= 8 ? text.split(apiKey).join('[redacted]') : text;
  return withoutKey.replace(/AIza[0-9A-Za-z_-]{20,}/g, 'AIza[redacted]');
}

/** `google.rpc.RetryInfo.retryDelay` (`"7s"`, `"21599.96s"`) in milliseconds. */
export function parseRetryDelay(value: string | null | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value?.trim() ?? '');
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/**
 * Maps a non-2xx Gemini API answer (`{"error": {code, message, status, details}}`) to a typed
 * error. Google answers an invalid key with 400 `API_KEY_INVALID`, so that is an auth failure
 * too; 403 `BILLING_DISABLED` and a 429 whose message says the prepayment credits are depleted
 * are exhausted credit; other 429s are rate limits, whose wait comes from `Retry-After` or the
 * body's `RetryInfo`; on submit a 404/410 (model unknown or retired) is
 * `provider_model_unavailable`.
 */
export function googleErrorFromResponse(
  providerId: string,
  apiKey: string,
  response: ProviderErrorResponse,
  phase: 'submit' | 'status',
): ProviderError {
  const safe: ProviderErrorResponse = {
    ...response,
    text: redactGoogleSecrets(response.text, apiKey),
  };
  const parsed = GoogleErrorBodySchema.safeParse(response.json);
  const body = parsed.success ? parsed.data.error : undefined;
  const message = body?.message ? redactGoogleSecrets(body.message, apiKey) : undefined;
  const reasons = new Set((body?.details ?? []).map((detail) => detail.reason).filter(Boolean));
  const build = (code: ProviderErrorCode, isRetryable?: boolean, retryAfterMs?: number) =>
    new ProviderError({
      providerId,
      code,
      message: `${providerId} answered ${response.status}${message ? `: ${message}` : ''}`,
      statusCode: response.status,
      retryAfterMs: retryAfterMs ?? parseRetryAfter(response.headers),
      responseBody: safe.text,
      ...(isRetryable !== undefined ? { isRetryable } : {}),
    });

  if (
    reasons.has('API_KEY_INVALID') ||
    (response.status === 400 && /API key not valid/i.test(message ?? ''))
  ) {
    return build('provider_auth_failed');
  }
  if (
    reasons.has('BILLING_DISABLED') ||
    /credits are depleted|prepayment credits/i.test(message ?? '')
  ) {
    return build('provider_insufficient_credits');
  }
  if (response.status === 429) {
    const retryDelay = body?.details
      ?.map((detail) => parseRetryDelay(detail.retryDelay))
      .find((delay) => delay !== undefined);
    return build(
      'provider_rate_limited',
      undefined,
      parseRetryAfter(response.headers) ?? retryDelay,
    );
  }
  if ((response.status === 404 || response.status === 410) && phase === 'submit') {
    // `models/<id> is not found for API version v1beta` (status NOT_FOUND): the model id is
    // unknown or shut down. The offering is gone; another provider may serve the model.
    return build('provider_model_unavailable');
  }
  return providerErrorFromResponse(providerId, safe, { message });
}
