import type { Job } from '../core/job.js';
import type { RoutingPlan } from '../routing/routing-candidate.js';

/**
 * A job's route decided when it was stored, with its first attempt's row written in the same
 * transaction (`submitting`, before any provider call), so the inline submission starts with
 * the provider call itself.
 */
export interface PlannedSubmission {
  /** The routing plan the job was stored with; its first candidate is the attempt's. */
  plan: RoutingPlan;
  /** Id of the first candidate's attempt row, already stored. */
  attemptId: string;
}

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
  /**
   * Starts submitting `job` (with its first attempt, when `planned`); false when it was not
   * taken (the workers stopped meanwhile).
   */
  submitInline(job: Job, planned?: PlannedSubmission): boolean;
}
