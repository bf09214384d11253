import type { JobResource } from '../api/job-resource-schema.js';

/**
 * A job that ended without outputs (failed or canceled): the CLI prints
 * `switchyard: <code>: <message>` and exits 1.
 */
export class JobEndedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Throws the job's own error when it ended any way but `succeeded`. */
export function assertJobSucceeded(job: JobResource): void {
  if (job.status === 'succeeded') return;
  throw new JobEndedError(
    job.error?.code ?? `job_${job.status}`,
    job.error?.message ?? `job ${job.id} ended ${job.status}`,
  );
}
