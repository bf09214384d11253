import type { ProviderError } from '../../core/errors/index.js';
import {
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from '../kernel/provider-error-from-status.js';
import { OpenAIErrorBodySchema } from './openai-api-schemas.js';

/** Error `code`/`type` values that mean the account has no credit left. */
const creditCodes = new Set(['insufficient_quota', 'billing_hard_limit_reached']);
/** Error codes of a prompt or image refused by OpenAI's moderation. */
const moderationCodes = new Set(['moderation_blocked', 'content_policy_violation']);

/**
 * Removes API keys from text OpenAI echoes back ("Incorrect API key provided: sk-pro…abcd"), so
 * no part of a key reaches logs, job attempts or API output.
 */
export function redactOpenAISecrets(text: string, apiKey: string): string {
  const withoutKey = apiKey.length >= 8 ? text.split(apiKey).join('[redacted]') : text;
  return withoutKey.replace(/\bsk-[A-Za-z0-9_*.-]{3,}/g, 'sk-[redacted]');
}

/**
 * Whether OpenAI refused the model id itself: `model_not_found` (what a retired model such as
 * `dall-e-3` answers, 404 on the Images API), or a 404/410 on a submit path (the Videos API
 * answers an unknown model that way).
 */
function isOpenAIModelUnavailable(
  status: number,
  body: { code?: string | null } | undefined,
): boolean {
  return body?.code === 'model_not_found' || status === 404 || status === 410;
}

/**
 * Maps a non-2xx OpenAI answer to a typed error. Beyond the shared status mapping: 429 (and the
 * Images API's 400 `billing_hard_limit_reached`) with `insufficient_quota` is exhausted credit;
 * moderation refusals are `provider_content_rejected`; on submit a refused model id (unknown or
 * retired for this key) is `provider_model_unavailable`, which falls back and marks the offering.
 */
export function openaiErrorFromResponse(
  providerId: string,
  apiKey: string,
  response: ProviderErrorResponse,
  phase: 'submit' | 'status',
): ProviderError {
  const safe: ProviderErrorResponse = {
    ...response,
    text: redactOpenAISecrets(response.text, apiKey),
  };
  const parsed = OpenAIErrorBodySchema.safeParse(response.json);
  const body = parsed.success ? parsed.data.error : undefined;
  const message = body?.message ? redactOpenAISecrets(body.message, apiKey) : undefined;
  const reasons = [body?.code, body?.type].filter((value): value is string => Boolean(value));

  if (reasons.some((reason) => creditCodes.has(reason))) {
    return providerErrorFromResponse(providerId, safe, {
      code: 'provider_insufficient_credits',
      message,
    });
  }
  if (response.status === 400 && reasons.some((reason) => moderationCodes.has(reason))) {
    return providerErrorFromResponse(providerId, safe, {
      code: 'provider_content_rejected',
      message,
    });
  }
  if (phase === 'submit' && isOpenAIModelUnavailable(response.status, body)) {
    // The model id is retired or not enabled for this key: the offering is gone, not the
    // client's request at fault, so another provider may serve the same catalog model.
    return providerErrorFromResponse(providerId, safe, {
      code: 'provider_model_unavailable',
      message,
    });
  }
  return providerErrorFromResponse(providerId, safe, { message });
}
