import type { ProviderError } from '../../core/errors/index.js';
import type { StatusResult } from '../../core/provider-adapter.js';
import {
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from '../kernel/provider-error-from-status.js';
import { RunwayErrorBodySchema } from './runway-api-schemas.js';

// Runway answers an empty balance with HTTP 400 and this message (no dedicated status or code).
const exhaustedCredit = /not have enough credits|insufficient credits?/i;

/** The human message of a Runway error body, with the first validation issue when listed. */
function runwayErrorMessage(body: unknown): string | undefined {
  const parsed = RunwayErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { error, message, issues } = parsed.data;
  const text = (typeof error === 'string' ? error : error?.message) ?? message ?? undefined;
  const issue = issues?.[0];
  const detail = issue?.message
    ? `${issue.path?.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`
    : undefined;
  if (text && detail) return `${text} (${detail})`;
  return text ?? detail;
}

/**
 * Maps a non-2xx Runway answer. Runway documents 400 (input problem), 401 (bad key), 404, 405,
 * 429 (rate or integration limit), 502/503 (shedding load) and 504 (overloaded); an exhausted
 * credit balance comes back as a 400 whose message says so, and is told apart here so the
 * router moves on instead of failing the job as the client's mistake.
 */
export function runwayErrorFromResponse(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError {
  const message = runwayErrorMessage(response.json)?.slice(0, 300);
  const credit = response.status < 500 && message !== undefined && exhaustedCredit.test(message);
  // Runway validates `model` as an enum of the models it serves: a 400 issue on that path is
  // a model it no longer (or never) served, not a bad request.
  const parsed = RunwayErrorBodySchema.safeParse(response.json);
  const onModel =
    response.status === 400 &&
    parsed.success &&
    (parsed.data.issues ?? []).some((issue) => issue.path?.[0] === 'model');
  const code = credit
    ? ('provider_insufficient_credits' as const)
    : onModel
      ? ('provider_model_unavailable' as const)
      : undefined;
  return providerErrorFromResponse(providerId, response, { message, ...(code ? { code } : {}) });
}

/**
 * A FAILED task as a job result. `SAFETY.*` codes are content moderation (Runway: do not retry),
 * `ASSET.INVALID` an unusable input; anything else (`INTERNAL.BAD_OUTPUT.*`, `INTERNAL`) is the
 * provider's failure and may succeed elsewhere.
 */
export function runwayTaskFailure(
  taskId: string,
  failure: string | null | undefined,
  failureCode: string | null | undefined,
): Extract<StatusResult, { status: 'failed' }> {
  const code = failureCode ?? '';
  const reason = `${failure?.trim().slice(0, 300) || 'no reason given'}${code ? ` (${code})` : ''}`;
  if (/^SAFETY\.|\.SAFETY\./.test(code)) {
    return {
      status: 'failed',
      code: 'provider_content_rejected',
      message: `Runway's moderation rejected task ${taskId}: ${reason}`,
      isRetryable: false,
    };
  }
  if (code.startsWith('ASSET.')) {
    return {
      status: 'failed',
      code: 'provider_invalid_request',
      message: `Runway could not use an input of task ${taskId}: ${reason}`,
      isRetryable: false,
    };
  }
  return {
    status: 'failed',
    code: 'provider_generation_failed',
    message: `Runway task ${taskId} failed: ${reason}`,
    isRetryable: true,
  };
}
