import { GatewayError, type ErrorDetails } from './gateway-error.js';

/**
 * A disk the gateway writes to has no room: the asset store's, the database's, or one whose free
 * space fell below `storage.minFreeDiskMb`. Nothing was written; retrying once space is freed
 * succeeds, so it is one retryable 507 `storage_full` with `Retry-After` wherever it comes from.
 */
export class StorageFullError extends GatewayError {
  /** Freeing disk takes a person or a cleanup job: clients should not hammer meanwhile. */
  readonly retryAfterMs = 5000;

  constructor(options: { message: string; details: ErrorDetails; cause?: unknown }) {
    super({
      code: 'storage_full',
      message: options.message,
      httpStatus: 507,
      isRetryable: true,
      details: options.details,
      cause: options.cause,
    });
  }
}
