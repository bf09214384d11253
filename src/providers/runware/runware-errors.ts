import { ProviderError, ProviderErrorCode } from '../../core/errors/index.js';
import type { StatusResult } from '../../core/provider-adapter.js';
import {
  codeForStatus,
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from '../kernel/provider-error-from-status.js';
import { RunwareEnvelopeSchema, type RunwareErrorItem } from './runware-api-schemas.js';

// Runware error codes are camelCase strings that Runware says it is "still standardizing";
// the families below follow the official TypeScript SDK's own classifier (src/errors.ts in
// Runware/runware-typescript), which is the best list of real codes published.

const safetyCodes = /contentpolicy|nsfw|moderation|sensitivecontent|unsafecontent|blocked/i;
// Codes that say the model id itself is unknown or withdrawn. Runware publishes no list for
// this: the official SDK files `unknownModel` and `*NotFound` codes under "not found"; any
// validation code on the `model` parameter (`invalidModel`, …) counts too. `modelDisabled` and
// `modelUnavailable` stay transient, as the SDK classes them (see README.md, "Retired models").
const modelGoneCodes = /^(unknownModel|modelNotFound|invalidModel)$/;
// Runware's own text for an AIR id it does not serve ("Invalid value for 'model' parameter.
// Model must be an string value representing a valid AIR identifier."), whatever the code is.
const notAnAirIdText = /valid AIR identifier/i;

const validationCodes =
  /^(invalid|missing|unsupported|conflict|duplicate|value|array|max)|^(unknownParameter|incompatibleParameters|validationFailed)$/;

/**
 * The gateway error code a Runware error code stands for, or undefined when the code says
 * nothing more than the HTTP status does.
 */
export function classifyRunwareCode(
  code: string | null | undefined,
  parameter?: string | readonly string[] | null,
  message?: string | null,
): ProviderErrorCode | undefined {
  if (!code) return undefined;
  if (modelGoneCodes.test(code)) return ProviderErrorCode.modelUnavailable;
  const onModel = parameter === 'model' || (Array.isArray(parameter) && parameter[0] === 'model');
  if (onModel && notAnAirIdText.test(message ?? '')) return ProviderErrorCode.modelUnavailable;
  // A missing model is our request's fault; an invalid one is the model id being refused.
  if (onModel && validationCodes.test(code) && !code.startsWith('missing'))
    return ProviderErrorCode.modelUnavailable;
  // Runware's own upstream (e.g. its Kling account) ran dry: another provider can serve it and
  // the operator's Runware balance is fine, so this is an outage, not our empty credit.
  if (/^(provider|thirdParty)InsufficientCredits$/.test(code)) return ProviderErrorCode.unavailable;
  if (/credits|balance|quota|paymentRequired/i.test(code))
    return ProviderErrorCode.insufficientCredits;
  if (/apikey|unauthorized|forbidden|permission|authenticationFailed|authFailed/i.test(code)) {
    return code.startsWith('provider')
      ? ProviderErrorCode.unavailable
      : ProviderErrorCode.authFailed;
  }
  if (/ratelimit/i.test(code)) return ProviderErrorCode.rateLimited;
  if (safetyCodes.test(code)) return ProviderErrorCode.contentRejected;
  if (/timeout/i.test(code)) return ProviderErrorCode.timeout;
  if (validationCodes.test(code)) return ProviderErrorCode.invalidRequest;
  return undefined;
}

/** `code: message` for error texts, never longer than 300 characters. */
export function describeRunwareError(item: RunwareErrorItem | undefined): string | undefined {
  if (!item) return undefined;
  const parts = [item.code, item.message].filter((part): part is string => Boolean(part));
  return parts.length ? parts.join(': ').slice(0, 300) : undefined;
}

/** The first error of a parsed Runware body, if the body is Runware's error envelope. */
export function firstRunwareError(body: unknown): RunwareErrorItem | undefined {
  const parsed = RunwareEnvelopeSchema.safeParse(body);
  return parsed.success ? (parsed.data.errors?.[0] ?? undefined) : undefined;
}

/**
 * Maps a non-2xx Runware answer (the `mapError` hook of `ProviderHttpClient`). The HTTP status sets
 * the class (402 is Runware's documented "balance insufficient"); a code that is more specific
 * than the status (a credit or content-policy code on a 400/403) wins.
 */
export function runwareErrorFromResponse(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError {
  const item = firstRunwareError(response.json);
  const fromCode = classifyRunwareCode(item?.code, item?.parameter, item?.message);
  const fromStatus = codeForStatus(response.status);
  const specific =
    fromCode === ProviderErrorCode.insufficientCredits ||
    (fromCode === ProviderErrorCode.modelUnavailable && response.status < 500) ||
    (fromCode === ProviderErrorCode.contentRejected && response.status < 500);
  return providerErrorFromResponse(providerId, response, {
    code: specific ? fromCode : fromStatus,
    message: describeRunwareError(item),
  });
}

/**
 * Errors Runware returned with a 2xx status, scoped to our task (validation refusals come back
 * this way). A code we cannot classify is treated as a transient fault so another provider can
 * take the job.
 */
export function runwareErrorFromItems(
  providerId: string,
  items: readonly RunwareErrorItem[],
  responseBody: string,
): ProviderError {
  const item = items[0];
  const code =
    classifyRunwareCode(item?.code, item?.parameter, item?.message) ??
    ProviderErrorCode.unavailable;
  return new ProviderError({
    providerId,
    code,
    message: `${providerId} rejected the task: ${describeRunwareError(item) ?? 'no details'}`,
    responseBody,
  });
}

const notRetryable: ReadonlySet<string> = new Set([
  ProviderErrorCode.invalidRequest,
  ProviderErrorCode.contentRejected,
  ProviderErrorCode.authFailed,
]);

/** A generation Runware reports as failed, as a job-engine status. */
export function runwareFailedStatus(item: RunwareErrorItem | undefined): StatusResult {
  const code =
    classifyRunwareCode(item?.code, item?.parameter, item?.message) ??
    ProviderErrorCode.generationFailed;
  return {
    status: 'failed',
    code,
    message: `Runware could not generate this: ${describeRunwareError(item) ?? 'no details given'}`,
    isRetryable: !notRetryable.has(code),
  };
}
