import { AttemptStatus, isTerminal, JobStatus, type Job } from '../core/job.js';
import type { AttemptRecord } from '../store/repositories/attempt-rows.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { finishJob, type FinishJobDependencies } from './finish-job.js';
import type { JobCompletion } from './job-completion.js';
import type { PollMessage } from './job-queue.js';
import { toProviderError } from './to-provider-error.js';

export interface PollWorkerOptions extends FinishJobDependencies {
  instances: ProviderInstances;
  /** Applies each answer (and schedules the next poll). */
  completion: JobCompletion;
  providerCallTimeoutMs: number;
  /** Aborted at shutdown: status calls stop waiting. */
  shutdown: AbortSignal;
}

/**
 * Asks providers where accepted jobs stand, one status call per message, and hands the answer
 * to {@link JobCompletion}. Enforces the job deadline. Transient provider errors only delay
 * the next poll; the provider still holds the job.
 */
export class PollWorker {
  constructor(private readonly options: PollWorkerOptions) {}

  async process(message: PollMessage): Promise<void> {
    const { options } = this;
    const { completion } = options;
    const found = await options.repository.jobWithAttempt(message.jobId, message.attemptId);
    if (!found || isTerminal(found.job.status)) return;
    const { job, attempt } = found;
    if (attempt.status !== AttemptStatus.submitted || attempt.operation === null) return;
    const adapter = options.instances.adapter(attempt.provider);
    if (options.now() > job.deadlineAt.getTime()) {
      await this.timeOut(job, attempt);
      return;
    }
    if (!adapter) {
      // The provider was removed from config while this job ran; keep the job until its deadline
      // in case it comes back, without hammering anything.
      await completion.schedulePoll(job, attempt, message.poll);
      return;
    }
    let result;
    try {
      result = await callWithTimeout(
        attempt.provider,
        options.providerCallTimeoutMs,
        options.shutdown,
        (signal) => adapter.status(attempt.operation!, { signal }),
      );
    } catch (thrown) {
      const error = toProviderError(attempt.provider, thrown);
      if (error.isRetryable) {
        const retryAfterMs =
          'retryAfterMs' in error ? (error.retryAfterMs as number | undefined) : undefined;
        options.logger.warn(
          { jobId: job.id, provider: attempt.provider, error: error.code },
          'status check failed; will poll again',
        );
        await completion.schedulePoll(job, attempt, message.poll, retryAfterMs);
        return;
      }
      result = {
        status: 'failed' as const,
        code: error.code,
        message: error.message,
        isRetryable: false,
      };
    }
    await completion.apply(job, attempt, result, {
      type: 'poll',
      poll: message.poll,
      storageFailures: message.storageFailures,
    });
  }

  /** Fails a job past its deadline, cancelling it at the provider when possible. */
  async timeOut(job: Job, attempt: AttemptRecord | undefined): Promise<void> {
    const adapter = attempt ? this.options.instances.adapter(attempt.provider) : undefined;
    const ended = await finishJob(
      this.options,
      job,
      JobStatus.failed,
      {
        code: 'job_timeout',
        message: `The job did not finish within its ${Math.round((job.deadlineAt.getTime() - job.createdAt.getTime()) / 1000)} s timeout.`,
      },
      async (transaction) => {
        if (attempt)
          await this.options.repository.failAttempt(transaction, attempt.id, {
            code: 'job_timeout',
            message: 'Timed out.',
          });
      },
    );
    if (ended && attempt?.operation && adapter?.cancel) {
      await callWithTimeout(attempt.provider, 10_000, this.options.shutdown, (signal) =>
        adapter.cancel!(attempt.operation!, { signal }),
      ).catch((error: Error) =>
        this.options.logger.warn(
          { jobId: job.id, error: error.message },
          'cancel after timeout failed',
        ),
      );
    }
  }
}
