/**
 * Something the gateway or provider did differently from what was asked, reported on the job
 * instead of silently dropped.
 */
export interface Warning {
  /** Machine code, e.g. `unsupported_parameter`, `parameter_adjusted`. */
  code: string;
  /** Request parameter concerned, when there is one. */
  parameter?: string;
  /** Human explanation. */
  message: string;
}
