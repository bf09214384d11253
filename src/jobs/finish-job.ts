import type { Job, JobError } from '../core/job.js';
import type { Queryable } from '../store/database.js';
import type { JobEngineContext } from './job-engine-context.js';

/**
 * Ends a job as failed or canceled: one transaction updates it, queues its webhook and
 * NOTIFYs; then local waiters wake. Returns false when the job was already terminal.
 */
export async function finishJob(
  context: JobEngineContext,
  job: Job,
  status: 'failed' | 'canceled',
  error: JobError | null,
  extra?: (transaction: Queryable) => Promise<void>,
): Promise<boolean> {
  const changed = await context.database.transaction(async (transaction) => {
    const updated = await context.repository.markFinished(transaction, job.id, status, error);
    if (!updated) return false;
    await extra?.(transaction);
    if (job.webhook) await context.queue.sendWebhook({ jobId: job.id }, transaction);
    await context.events.publish({ jobId: job.id, status }, transaction);
    return true;
  });
  if (!changed) return false;
  context.events.emitLocal({ jobId: job.id, status });
  if (job.webhook) context.queue.notify('webhook-deliver');
  context.observer.jobFinished({
    jobId: job.id,
    status,
    provider: job.provider,
    model: job.request.model,
    user: job.request.user,
    latencyMs: context.now() - job.createdAt.getTime(),
    costUsd: job.cost.actualUsd,
    errorCode: error?.code,
    outputs: 0,
  });
  context.logger.info({ jobId: job.id, status, error: error?.code }, 'job finished');
  return true;
}
