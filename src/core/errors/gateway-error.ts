/** JSON-safe detail values attached to an error and shown to clients. */
export type ErrorDetails = Record<string, unknown>;

export interface GatewayErrorOptions {
  /** Stable machine-readable code, e.g. `provider_rate_limited`. Clients branch on it. */
  code: string;
  /** Human-readable explanation; safe to show to API clients (no secrets, no stack). */
  message: string;
  /** HTTP status the single error handler renders this error with. */
  httpStatus: number;
  /** Whether trying again (later, or on another provider) can succeed. The router reads it. */
  isRetryable?: boolean;
  /** Safe structured details (field names, limits, per-provider reasons). */
  details?: ErrorDetails;
  /** The underlying error, kept for logs; never rendered to clients. */
  cause?: unknown;
}

/**
 * The one error base class. Handlers throw it (or a subclass); one Fastify error handler
 * renders `{"error":{"code","message","details"}}` with `httpStatus`.
 */
export class GatewayError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly isRetryable: boolean;
  readonly details: ErrorDetails | undefined;

  constructor(options: GatewayErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.httpStatus = options.httpStatus;
    this.isRetryable = options.isRetryable ?? false;
    this.details = options.details;
  }

  /** The body the HTTP layer sends; also stored on failed jobs (without details). */
  toJSON(): { code: string; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
