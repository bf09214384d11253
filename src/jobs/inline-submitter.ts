import type { Job } from '../core/job.js';

/**
 * Starts submitting a just-stored job in this process at once, for a client that waits for the
 * result; the job's queue message, delayed, is then only a backstop should this process die.
 * The job engine implements it: only a process whose workers run can take jobs.
 */
export interface InlineSubmitter {
  /** Whether a job handed over now would be taken (asked before storing, to delay its message). */
  readonly acceptsInline: boolean;
  /** Inline submissions running now (admission control counts them). */
  readonly inlineInFlight: number;
  /** Starts submitting `job`; false when it was not taken (the workers stopped meanwhile). */
  submitInline(job: Job): boolean;
}
