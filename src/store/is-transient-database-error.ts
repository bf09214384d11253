import { DatabaseFullError, DatabaseUnavailableError } from '../core/errors/index.js';

/**
 * SQLSTATEs a server sends when the connection, not the statement, is at fault: class 08
 * (connection exception) and the shutdown/startup codes of class 57 (57P01 is what a restart
 * or `pg_terminate_backend` sends to every client).
 */
const transientStates = new Set(['57P01', '57P02', '57P03', '53300']);

/** Socket-level failures while the server restarts or is unreachable. */
const transientSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** What `pg` itself throws when a connection dies under it (these errors carry no code). */
const transientMessages = [
  /^Connection terminated/,
  /connection error and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
  /is not currently accepting connections/,
];

/**
 * Whether an error means "the database is away for a moment" rather than "this statement is
 * wrong": the difference between answering 503 and keeping the process up, and a bug.
 */
export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (code.startsWith('08') || transientStates.has(code))) return true;
  if (typeof code === 'string' && transientSocketCodes.has(code)) return true;
  if (typeof message === 'string' && transientMessages.some((pattern) => pattern.test(message)))
    return true;
  // Node reports a refused localhost connection (IPv4 and IPv6) as an AggregateError.
  if (Array.isArray(errors) && errors.some((inner) => isTransientDatabaseError(inner, depth + 1)))
    return true;
  return isTransientDatabaseError(cause, depth + 1);
}

/** SQLSTATE `disk_full`: a file under the cluster could not be extended or created. */
const diskFullState = '53100';

/**
 * Rethrows a transient connection failure as the retryable 503 error and a full disk as the
 * retryable 507 `storage_full` (else a 500); others unchanged.
 */
export function asDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseFullError) return error;
  if ((error as { code?: unknown } | null)?.code === diskFullState)
    return new DatabaseFullError(error);
  return isTransientDatabaseError(error) ? new DatabaseUnavailableError(error) : error;
}
