import { isTerminal, type Job } from '../core/job.js';
import type { AttemptRecord } from '../store/repositories/generation-repository.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import { finishJob } from './finish-job.js';
import type { JobCompletion } from './job-completion.js';
import type { JobEngineContext } from './job-engine-context.js';
import type { PollMessage } from './job-queue.js';
import { toProviderError } from './to-provider-error.js';

/**
 * Asks providers where accepted jobs stand, one status call per message, and hands the answer
 * to {@link JobCompletion}. Enforces the job deadline. Transient provider errors only delay
 * the next poll; the provider still holds the job.
 */
export class PollWorker {
  constructor(
    private readonly context: JobEngineContext,
    private readonly completion: JobCompletion,
  ) {}

  async process(message: PollMessage): Promise<void> {
    const { context } = this;
    const found = await context.repository.jobWithAttempt(message.jobId, message.attemptId);
    if (!found || isTerminal(found.job.status)) return;
    const { job, attempt } = found;
    if (attempt.status !== 'submitted' || attempt.operation === null) return;
    const adapter = context.instances.adapter(attempt.provider);
    if (context.now() > job.deadlineAt.getTime()) {
      await this.timeOut(job, attempt);
      return;
    }
    if (!adapter) {
      // The provider was removed from config while this job ran; keep the job until its deadline
      // in case it comes back, without hammering anything.
      await this.completion.schedulePoll(job, attempt, message.poll);
      return;
    }
    let result;
    try {
      result = await callWithTimeout(
        attempt.provider,
        context.jobsConfig.providerCallTimeoutMs,
        context.shutdown,
        (signal) => adapter.status(attempt.operation!, { signal }),
      );
    } catch (thrown) {
      const error = toProviderError(attempt.provider, thrown);
      if (error.isRetryable) {
        const retryAfterMs =
          'retryAfterMs' in error ? (error.retryAfterMs as number | undefined) : undefined;
        context.logger.warn(
          { jobId: job.id, provider: attempt.provider, error: error.code },
          'status check failed; will poll again',
        );
        await this.completion.schedulePoll(job, attempt, message.poll, retryAfterMs);
        return;
      }
      result = {
        status: 'failed' as const,
        code: error.code,
        message: error.message,
        isRetryable: false,
      };
    }
    await this.completion.apply(job, attempt, result, { type: 'poll', poll: message.poll });
  }

  /** Fails a job past its deadline, cancelling it at the provider when possible. */
  async timeOut(job: Job, attempt: AttemptRecord | undefined): Promise<void> {
    const adapter = attempt ? this.context.instances.adapter(attempt.provider) : undefined;
    const ended = await finishJob(
      this.context,
      job,
      'failed',
      {
        code: 'job_timeout',
        message: `The job did not finish within its ${Math.round((job.deadlineAt.getTime() - job.createdAt.getTime()) / 1000)} s timeout.`,
      },
      async (transaction) => {
        if (attempt)
          await this.context.repository.failAttempt(transaction, attempt.id, {
            code: 'job_timeout',
            message: 'Timed out.',
          });
      },
    );
    if (ended && attempt?.operation && adapter?.cancel) {
      await callWithTimeout(attempt.provider, 10_000, this.context.shutdown, (signal) =>
        adapter.cancel!(attempt.operation!, { signal }),
      ).catch((error: Error) =>
        this.context.logger.warn(
          { jobId: job.id, error: error.message },
          'cancel after timeout failed',
        ),
      );
    }
  }
}
