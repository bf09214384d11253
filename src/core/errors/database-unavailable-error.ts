import { GatewayError } from './gateway-error.js';

/**
 * The database dropped or refused the connection (a restart, a failover, a terminated
 * backend). Transient by nature: callers answer 503 with `Retry-After`, queue work is retried.
 */
export class DatabaseUnavailableError extends GatewayError {
  /** Clients are told to retry after this long (the error handler renders `Retry-After`). */
  readonly retryAfterMs = 1000;

  constructor(cause: unknown) {
    super({
      code: 'database_unavailable',
      message: 'The database is unavailable for a moment; retry shortly.',
      httpStatus: 503,
      isRetryable: true,
      cause,
    });
  }
}
