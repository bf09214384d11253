import { pollDelayMs } from './poll-backoff.js';

/** Retries of a result the store could not take are at most this far apart, so jobs resume within seconds of the store coming back. */
export const maxStorageRetryDelayMs = 5000;

/** Where a job stands after the asset store refused its result once more. */
export interface StorageRetryState {
  /** Consecutive failures to store the result, this one included. */
  failures: number;
  /** When the first of them happened (the gateway's clock, ms). */
  failingSinceMs: number;
  nowMs: number;
  /** `storage.outputRetryWindowSeconds` in ms. */
  windowMs: number;
  /** The job's deadline (ms). */
  deadlineMs: number;
  polling: { pollInitialMs: number; pollMaxMs: number };
  random?: () => number;
}

/**
 * How long until a result the asset store could not take is fetched from the provider again,
 * or undefined when the job should fail with the storage error now: the window since the first
 * failure is spent, or the next look would come after the job's deadline (where the job would
 * end as `job_timeout`, hiding the cause).
 */
export function storageRetryDelayMs(state: StorageRetryState): number | undefined {
  const delayMs = pollDelayMs(state.failures - 1, {
    initialMs: state.polling.pollInitialMs,
    maxMs: Math.min(state.polling.pollMaxMs, maxStorageRetryDelayMs),
    random: state.random,
  });
  const dueMs = state.nowMs + delayMs;
  if (dueMs > state.failingSinceMs + state.windowMs || dueMs >= state.deadlineMs) return undefined;
  return delayMs;
}
