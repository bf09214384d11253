import { GatewayError, providerErrorHttpStatus } from '../../core/errors/index.js';
import type { JobError } from '../../core/job.js';

/** Codes a job can end with that are not provider error codes (those map as ProviderError does). */
const statusByCode: Record<string, number> = {
  all_providers_failed: 503,
  no_capable_provider: 503,
  job_timeout: 504,
  submission_outcome_unknown: 502,
  invalid_input_image: 400,
  url_not_allowed: 400,
};

/** Renders a failed job's stored error as an HTTP error (synchronous OpenAI-style routes). */
export function jobErrorToGatewayError(error: JobError, jobId: string): GatewayError {
  return new GatewayError({
    code: error.code,
    message: error.message,
    httpStatus: providerErrorHttpStatus(error.code) ?? statusByCode[error.code] ?? 502,
    details: { ...error.details, generation_id: jobId },
  });
}
