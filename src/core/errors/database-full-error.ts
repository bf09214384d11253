import { StorageFullError } from './storage-full-error.js';

/**
 * The database could not write for want of disk space (SQLSTATE 53100 `disk_full`, on PGlite's
 * data directory or a PostgreSQL server's). Nothing was written; clients hear the same
 * retryable `storage_full` a full asset store answers.
 */
export class DatabaseFullError extends StorageFullError {
  constructor(cause: unknown, options: { message?: string; freeBytes?: number } = {}) {
    super({
      message:
        options.message ??
        "The gateway's database is out of disk space; nothing was stored. Retry later.",
      details: { reason: 'database_disk_full', freeBytes: options.freeBytes },
      cause,
    });
  }
}
