import { ProviderError } from '../../core/errors/index.js';
import type { StatusResult } from '../../core/provider-adapter.js';

/**
 * For a poll's `catch`: a `provider_generation_failed` error (the provider failed or lost the
 * job, mapped so by the request's `mapError`) becomes the retryable failed status the engine
 * expects from `status`; any other error is rethrown.
 */
export function failedGenerationStatus(error: unknown): StatusResult {
  if (error instanceof ProviderError && error.code === 'provider_generation_failed') {
    return { status: 'failed', code: error.code, message: error.message, isRetryable: true };
  }
  throw error;
}
