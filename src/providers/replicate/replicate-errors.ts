import { ProviderError } from '../../core/errors/index.js';
import type { StatusResult } from '../../core/provider-adapter.js';
import {
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from '../kernel/provider-error-from-status.js';
import { ReplicateProblemSchema } from './replicate-api-schemas.js';

// Replicate's throttling body says when the limit resets ("… resets in ~30s.").
const resetHint = /resets in ~?(\d+(?:\.\d+)?)\s*s/i;

// Replicate's moderation failures: "flagged as sensitive … (E005)", NSFW filters of image models.
const contentRejection = /flagged as sensitive|\(E005\)|nsfw|safety (?:checker|filter)/i;

/**
 * Maps a non-2xx Replicate answer (an RFC 7807 problem body) to a typed error. The shared
 * status mapping already fits Replicate: 401/403 auth, 402 exhausted credit or missing billing
 * (`"title":"Insufficient credit"`), 422 input validation, 429 throttling, 5xx outages. This
 * adds the problem's `detail` as the message and, when `Retry-After` is missing, the reset
 * time Replicate writes into its 429 body.
 */
export function replicateErrorFromResponse(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError {
  const problem = ReplicateProblemSchema.safeParse(response.json);
  const detail = problem.success ? (problem.data.detail ?? problem.data.title) : undefined;
  const error = providerErrorFromResponse(providerId, response, {
    message: detail?.trim().slice(0, 300),
  });
  if (error.retryAfterMs !== undefined || response.status !== 429 || !detail) return error;
  const seconds = resetHint.exec(detail)?.[1];
  if (seconds === undefined) return error;
  return new ProviderError({
    providerId,
    code: 'provider_rate_limited',
    message: error.message,
    statusCode: response.status,
    retryAfterMs: Math.round(Number(seconds) * 1000),
    responseBody: response.text,
  });
}

/**
 * The submit answers that mean the model itself is gone, as `provider_model_unavailable`: a 404
 * on `POST /v1/models/{owner}/{name}/predictions` (no such model, or taken down) and the 422
 * `"title":"Invalid version or not permitted"` of a version that was deleted. Undefined for
 * every other answer, which the shared mapping handles (the `mapError` of the submit request).
 */
export function replicateModelUnavailable(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError | undefined {
  const problem = ReplicateProblemSchema.safeParse(response.json);
  const title = problem.success ? problem.data.title : undefined;
  const versionGone = response.status === 422 && /invalid version/i.test(title ?? '');
  if (response.status !== 404 && !versionGone) return undefined;
  const detail = problem.success ? (problem.data.detail ?? title) : undefined;
  return providerErrorFromResponse(providerId, response, {
    code: 'provider_model_unavailable',
    message: detail?.trim().slice(0, 300),
  });
}

/**
 * The terminal failure of a prediction (`status: "failed"`) as a job result: moderation
 * rejections are the client's content and not retried elsewhere; anything else (model crash,
 * interrupted run) may well succeed on another provider.
 */
export function replicatePredictionFailure(
  predictionId: string,
  error: unknown,
): Extract<StatusResult, { status: 'failed' }> {
  const text =
    typeof error === 'string'
      ? error
      : error === undefined || error === null
        ? ''
        : JSON.stringify(error);
  const reason = text.trim().slice(0, 300) || 'no reason given';
  if (contentRejection.test(text)) {
    return {
      status: 'failed',
      code: 'provider_content_rejected',
      message: `Replicate rejected the content of prediction ${predictionId}: ${reason}`,
      isRetryable: false,
    };
  }
  return {
    status: 'failed',
    code: 'provider_generation_failed',
    message: `Replicate prediction ${predictionId} failed: ${reason}`,
    isRetryable: true,
  };
}
