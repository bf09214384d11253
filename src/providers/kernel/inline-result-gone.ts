import type { StatusResult } from '../../core/provider-adapter.js';

/**
 * The status of a synchronous answer polled again: its bytes went with the submit and cannot
 * be fetched twice (only reached when the gateway stopped before storing them). Retryable, so
 * the job is submitted anew.
 */
export function inlineResultGone(
  message = 'The image result was returned synchronously and is no longer retrievable.',
): StatusResult {
  return { status: 'failed', code: 'provider_bad_response', message, isRetryable: true };
}
