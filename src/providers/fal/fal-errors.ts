import type { ProviderError } from '../../core/errors/index.js';
import type { StatusResult } from '../../core/provider-adapter.js';
import {
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from '../kernel/provider-error-from-status.js';
import { FalErrorBodySchema } from './fal-api-schemas.js';

// fal answers 403 `{"detail":"User is locked. Reason: Exhausted balance. Top up …"}` when the
// prepaid balance is gone (`Reason: TOP_UP` is seen too). Other locks (`Admin lock`) need a human.
const exhaustedBalancePattern = /exhausted balance|reason:\s*top_up/i;

/** fal's own explanation from an error body (`detail` as a string or pydantic's list). */
export function falErrorMessage(json: unknown): string | undefined {
  const parsed = FalErrorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const detail = parsed.data.detail;
  if (typeof detail === 'string') return detail.slice(0, 300);
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((item) => [item.loc?.map(String).join('.'), item.msg].filter(Boolean).join(': '))
      .join('; ')
      .slice(0, 300);
  }
  return undefined;
}

/** Whether a fal error body says the account's balance is exhausted. */
function isFalExhaustedBalance(json: unknown): boolean {
  const message = falErrorMessage(json);
  return message !== undefined && exhaustedBalancePattern.test(message);
}

/**
 * Maps a non-2xx fal answer: exhausted balance (403) → `provider_insufficient_credits`, other
 * 401/403 → auth, 422 → invalid request, the rest through the shared status mapping.
 */
export function falErrorFromResponse(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError {
  const message = falErrorMessage(response.json);
  if (response.status === 403 && isFalExhaustedBalance(response.json)) {
    return providerErrorFromResponse(providerId, response, {
      code: 'provider_insufficient_credits',
      message,
    });
  }
  return providerErrorFromResponse(providerId, response, { message });
}

/**
 * A submit answered 404: the queue has no application at that endpoint id (removed, renamed,
 * or never existed), as `provider_model_unavailable`; undefined for other answers (the
 * `mapError` of the submit request).
 */
export function falModelUnavailable(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError | undefined {
  if (response.status !== 404) return undefined;
  return providerErrorFromResponse(providerId, response, {
    code: 'provider_model_unavailable',
    message: falErrorMessage(response.json),
  });
}

/**
 * The outcome of a finished request whose result fetch answered with an error: the request
 * itself failed (validation, runner error, cancellation). Returns undefined for answers that
 * are about our call rather than the request (auth, rate limits), which the caller throws.
 */
export function falFailureFromResult(response: ProviderErrorResponse): StatusResult | undefined {
  const message = falErrorMessage(response.json) ?? `fal answered ${response.status}`;
  if (/cancel/i.test(message)) return { status: 'canceled' };
  if (response.status === 400 || response.status === 422) {
    const rejected = /nsfw|safety|content policy|moderation/i.test(message);
    return {
      status: 'failed',
      code: rejected ? 'provider_content_rejected' : 'provider_invalid_request',
      message: `fal rejected the request: ${message}`,
      isRetryable: false,
    };
  }
  if (response.status >= 500) {
    // fal does not bill failed runs; another provider may well succeed.
    return {
      status: 'failed',
      code: 'provider_generation_failed',
      message: `fal failed the request: ${message}`,
      isRetryable: true,
    };
  }
  return undefined;
}
