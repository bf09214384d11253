import type { JobObserver } from '../core/job-observer.js';
import type { Job, JobError, JobStatus } from '../core/job.js';
import type { Logger } from '../observability/logger.js';
import type { Database, Queryable } from '../store/database.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { JobEvents } from './job-events.js';
import type { JobQueue } from './job-queue.js';

/** What ending a job touches; the roles that end jobs pass their own options. */
export interface FinishJobDependencies {
  /** The pool the ending transaction runs on (the API's own for cancellations). */
  database: Database;
  repository: GenerationRepository;
  queue: JobQueue;
  events: JobEvents;
  observer: Required<JobObserver>;
  logger: Logger;
  now: () => number;
}

/**
 * Ends a job as failed or canceled: one transaction updates it, queues its webhook and
 * NOTIFYs; then local waiters wake. Returns false when the job was already terminal.
 */
export async function finishJob(
  dependencies: FinishJobDependencies,
  job: Job,
  status: typeof JobStatus.failed | typeof JobStatus.canceled,
  error: JobError | null,
  extra?: (transaction: Queryable) => Promise<void>,
): Promise<boolean> {
  const { database, repository, queue, events, observer, logger, now } = dependencies;
  const changed = await queue.transaction(database, async (transaction) => {
    const updated = await repository.markFinished(transaction, job.id, status, error);
    if (!updated) return false;
    await extra?.(transaction);
    if (job.webhook) await transaction.sendWebhook({ jobId: job.id });
    await events.publish({ jobId: job.id, status }, transaction);
    return true;
  });
  if (!changed) return false;
  events.emitLocal({ jobId: job.id, status });
  observer.jobFinished({
    jobId: job.id,
    status,
    provider: job.provider,
    model: job.request.model,
    user: job.request.user,
    latencyMs: now() - job.createdAt.getTime(),
    costUsd: job.cost.actualUsd,
    errorCode: error?.code,
    outputs: 0,
  });
  logger.info({ jobId: job.id, status, error: error?.code }, 'job finished');
  return true;
}
