import { AttemptStatus, isTerminal, JobStatus, type Job } from '../core/job.js';
import { StorageUnavailableError } from '../core/errors/index.js';
import type { AttemptRecord } from '../store/repositories/attempt-rows.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { requestKeyUnavailable, type CallerKeyVault } from './caller-key-vault.js';
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
  /** Keys of jobs on a caller's own key that this process accepted (ADR 0009). */
  callerKeys: CallerKeyVault;
  /** The asset store's health (cached by the store), asked before fetching a refused result again. */
  storageHealth: () => Promise<{ ok: boolean; error?: string }>;
}

/**
 * Asks providers where accepted jobs stand, one status call per message, and hands the answer
 * to {@link JobCompletion}. Enforces the job deadline. Transient provider errors only delay
 * the next poll; the provider still holds the job.
 */
export class PollWorker {
  constructor(private readonly options: PollWorkerOptions) {}

  /** Polls one attempt; `prefetched` (read by the poll's claim) stands for its read. */
  async process(
    message: PollMessage,
    prefetched?: { job: Job; attempt: AttemptRecord } | null,
  ): Promise<void> {
    const { options } = this;
    const { completion } = options;
    const found =
      prefetched === undefined
        ? await options.repository.jobWithAttempt(message.jobId, message.attemptId)
        : prefetched;
    if (!found || isTerminal(found.job.status)) return;
    const { job, attempt } = found;
    if (attempt.status !== AttemptStatus.submitted || attempt.operation === null) return;
    const adapter = options.instances.adapter(attempt.provider);
    if (options.now() > job.deadlineAt.getTime()) {
      await this.timeOut(job, attempt);
      return;
    }
    const apiKey = options.callerKeys.keyFor(job);
    if (apiKey === null) {
      // Never the operator's key for a job that brought its own.
      await this.fail(job, attempt, requestKeyUnavailable);
      return;
    }
    if (!adapter) {
      // The provider was removed from config while this job ran; keep the job until its deadline
      // in case it comes back, without hammering anything.
      await completion.schedulePoll(job, attempt, message.poll);
      return;
    }
    const source = {
      type: 'poll' as const,
      poll: message.poll,
      storageFailures: message.storageFailures,
      storageFailingSince: message.storageFailingSince,
    };
    if (message.storageFailures) {
      // The store refused this result before: while it is known to be down, a status call and
      // a download would only be refused again.
      const health = await options.storageHealth();
      if (!health.ok) {
        const down = new StorageUnavailableError('health check', new Error(health.error));
        await completion.storageFailed(job, attempt, source, down);
        return;
      }
    }
    let result;
    try {
      result = await callWithTimeout(
        attempt.provider,
        options.providerCallTimeoutMs,
        options.shutdown,
        (signal) =>
          adapter.status(
            attempt.operation!,
            apiKey === undefined ? { signal } : { signal, apiKey },
          ),
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
    await completion.apply(job, attempt, result, source);
  }

  /** Fails a job whose caller's key this process does not hold (ADR 0009). */
  private async fail(
    job: Job,
    attempt: AttemptRecord,
    error: { code: string; message: string },
  ): Promise<void> {
    await finishJob(this.options, job, JobStatus.failed, error, (transaction) =>
      this.options.repository.failAttempt(transaction, attempt.id, error),
    );
  }

  /** Fails a job past its deadline, cancelling it at the provider when possible. */
  async timeOut(job: Job, attempt: AttemptRecord | undefined): Promise<void> {
    const adapter = attempt ? this.options.instances.adapter(attempt.provider) : undefined;
    const apiKey = this.options.callerKeys.keyFor(job);
    // An overdue job on a caller's key this process does not hold: its holder stopped (it
    // would have polled the job to its end), so that is the reason to report.
    const error =
      apiKey === null
        ? requestKeyUnavailable
        : {
            code: 'job_timeout',
            message: `The job did not finish within its ${Math.round((job.deadlineAt.getTime() - job.createdAt.getTime()) / 1000)} s timeout.`,
          };
    const ended = await finishJob(
      this.options,
      job,
      JobStatus.failed,
      error,
      async (transaction) => {
        if (attempt)
          await this.options.repository.failAttempt(transaction, attempt.id, {
            code: error.code,
            message: apiKey === null ? "The caller's key was not available." : 'Timed out.',
          });
      },
    );
    // Without the caller's key there is nobody to cancel with (never the operator's key).
    if (ended && attempt?.operation && adapter?.cancel && apiKey !== null) {
      await callWithTimeout(attempt.provider, 10_000, this.options.shutdown, (signal) =>
        adapter.cancel!(attempt.operation!, apiKey === undefined ? { signal } : { signal, apiKey }),
      ).catch((error: Error) =>
        this.options.logger.warn(
          { jobId: job.id, error: error.message },
          'cancel after timeout failed',
        ),
      );
    }
  }
}
