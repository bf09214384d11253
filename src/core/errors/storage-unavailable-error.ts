import { GatewayError } from './gateway-error.js';

/**
 * The asset store (local disk or an S3-compatible bucket) did not answer or refused a read or
 * write. Transient by nature: clients answer 503 with `Retry-After`, and a job whose provider
 * result is still fetchable retries its output step a few times before failing with this code.
 */
export class StorageUnavailableError extends GatewayError {
  /** Clients are told to retry after this long (the error handler renders `Retry-After`). */
  readonly retryAfterMs = 2000;

  constructor(operation: string, cause: unknown) {
    super({
      code: 'storage_unavailable',
      message: `The asset store is unavailable (${operation} failed); retry shortly.`,
      httpStatus: 503,
      isRetryable: true,
      details: { operation },
      cause,
    });
  }
}
