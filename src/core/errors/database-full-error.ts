import { GatewayError } from './gateway-error.js';

/**
 * The database could not write for want of disk space (SQLSTATE 53100 `disk_full`, on PGlite's
 * data directory or a PostgreSQL server's). Nothing was written; retrying once space is freed
 * succeeds, so clients hear the same retryable `storage_full` a full asset store answers.
 */
export class DatabaseFullError extends GatewayError {
  /** Freeing disk takes a person or a cleanup job: clients should not hammer meanwhile. */
  readonly retryAfterMs = 5000;

  constructor(cause: unknown, options: { message?: string; freeBytes?: number } = {}) {
    super({
      code: 'storage_full',
      message:
        options.message ??
        "The gateway's database is out of disk space; nothing was stored. Retry later.",
      httpStatus: 507,
      isRetryable: true,
      details: { reason: 'database_disk_full', freeBytes: options.freeBytes },
      cause,
    });
  }
}
