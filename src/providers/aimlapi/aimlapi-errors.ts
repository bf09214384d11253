import { ProviderError, ProviderErrorCode } from '../../core/errors/index.js';
import type { StatusResult } from '../../core/provider-adapter.js';
import {
  codeForStatus,
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from '../kernel/provider-error-from-status.js';
import { AimlapiErrorBodySchema, type AimlapiVideo } from './aimlapi-api-schemas.js';

// AIMLAPI documents (docs/errors-and-messages in aimlapi/api-docs): 401 missing or invalid key;
// 403 "not allowed (e.g. no credits)", with the message "You've run out of credits. Please top
// up your balance…"; 429 rate or free-tier limit; 400 "Body validation error!".
const outOfCredits = /run out of credits|top up your balance|insufficient (credits|balance|funds)/i;

/** The human message of an AIMLAPI error body, at most 300 characters. */
export function aimlapiErrorMessage(body: unknown): string | undefined {
  const parsed = AimlapiErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { message, error } = parsed.data;
  const text =
    (Array.isArray(message) ? message.join('; ') : message) ??
    (typeof error === 'string' ? error : error?.message);
  return text ? text.slice(0, 300) : undefined;
}

/** Maps a non-2xx AIMLAPI answer (the `mapError` hook of `ProviderHttpClient`). */
export function aimlapiErrorFromResponse(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError {
  const message = aimlapiErrorMessage(response.json);
  const credits = response.status < 500 && outOfCredits.test(message ?? response.text);
  return providerErrorFromResponse(providerId, response, {
    code: credits ? ProviderErrorCode.insufficientCredits : codeForStatus(response.status),
    message,
  });
}

/**
 * A submit refused because of the model id itself, as `provider_model_unavailable`: AIMLAPI
 * validates `model` as an enum of the models it serves, so a 400 validation message that names
 * the `model` field or echoes the id we sent (`received '<id>'`) means the model is gone or
 * unknown there. Undefined for other answers (the `mapError` of the submit requests).
 */
export function aimlapiModelUnavailable(
  providerId: string,
  response: ProviderErrorResponse,
  wireModel: string,
): ProviderError | undefined {
  if (response.status !== 400 && response.status !== 404) return undefined;
  const message = aimlapiErrorMessage(response.json) ?? '';
  const namesModel =
    /(^|\n)\s*model\b[^\n]*:/i.test(message) || message.includes(`received '${wireModel}'`);
  if (!namesModel) return undefined;
  return providerErrorFromResponse(providerId, response, {
    code: ProviderErrorCode.modelUnavailable,
    message,
  });
}

/** A generation AIMLAPI reports with `status: "error"`, as a job-engine status. */
export function aimlapiFailedStatus(
  video: AimlapiVideo,
): Extract<StatusResult, { status: 'failed' }> {
  const error = video.error;
  const text =
    typeof error === 'string'
      ? error
      : [error?.name, error?.message].filter((part): part is string => Boolean(part)).join(': ');
  const detail = text || 'no details given';
  let code: ProviderErrorCode = ProviderErrorCode.generationFailed;
  if (/content|moderation|safety|policy|nsfw|sensitive/i.test(detail)) {
    code = ProviderErrorCode.contentRejected;
  } else if (outOfCredits.test(detail)) {
    code = ProviderErrorCode.insufficientCredits;
  } else if (/validation|invalid|unsupported/i.test(detail)) {
    code = ProviderErrorCode.invalidRequest;
  }
  return {
    status: 'failed',
    code,
    message: `AIMLAPI could not generate this: ${detail.slice(0, 300)}`,
    isRetryable:
      code !== ProviderErrorCode.contentRejected && code !== ProviderErrorCode.invalidRequest,
  };
}

/** A failed status thrown from submit (a 2xx answer that already says `error`). */
export function aimlapiSubmitError(
  providerId: string,
  video: AimlapiVideo,
  body: string,
): ProviderError {
  const failed = aimlapiFailedStatus(video);
  return new ProviderError({
    providerId,
    code: failed.code as ProviderErrorCode,
    message: failed.message,
    isRetryable: failed.isRetryable,
    responseBody: body,
  });
}
