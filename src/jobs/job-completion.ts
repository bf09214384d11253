import type { AssetStore, PreparedAsset } from '../assets/asset-store.js';
import type { Config } from '../config/config-schema.js';
import { GatewayError } from '../core/errors/index.js';
import { AttemptStatus, isTerminal, JobStatus, type Job, type JobOutput } from '../core/job.js';
import type { StatusResult } from '../core/provider-adapter.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { SafeFetchContext } from '../providers/kernel/safe-fetch-context.js';
import type { AttemptRecord } from '../store/repositories/attempt-rows.js';
import { attemptCost } from './attempt-cost.js';
import type { Queryable } from '../store/database.js';
import type { CallerKeyVault } from './caller-key-vault.js';
import type { BatchedSuccessWriter } from './batched-success-writer.js';
import { finishJob, type FinishJobDependencies } from './finish-job.js';
import type { PollMessage, ScheduledPoll } from './job-queue.js';
import type { LocalPollChain } from './local-poll-chain.js';
import { pollDelayMs } from './poll-backoff.js';
import { storageRetryDelayMs } from './storage-retry-delay.js';
import type { StatusSource } from './status-source.js';
import { storeProviderOutputs } from './store-provider-outputs.js';

export interface JobCompletionOptions extends FinishJobDependencies {
  /** Where the offering (price, webhook support) of an attempt is looked up. */
  instances: ProviderInstances;
  /** Output files are written here; their rows commit with the job's success. */
  assets: AssetStore;
  /** Guard and limits for downloading provider outputs. */
  fetchContext: SafeFetchContext;
  /** Poll backoff. */
  polling: Pick<Config['jobs'], 'pollInitialMs' | 'pollMaxMs'>;
  /** Whether providers were given a callback URL (polling is then only a backstop). */
  publicUrl: () => string | undefined;
  /** Aborted at shutdown: output downloads stop waiting. */
  shutdown: AbortSignal;
  /** Stores synchronous answers of many jobs together; absent, each commits on its own. */
  successWriter?: BatchedSuccessWriter;
  /** Keys of jobs on a caller's own key that this process accepted (ADR 0009). */
  callerKeys: CallerKeyVault;
  /** Polls of those jobs, on this process's timers: no other instance holds their keys. */
  localPolls: LocalPollChain;
  /**
   * How long a completed result the asset store could not take is fetched again (the poll
   * backoff, at most 5 s apart) before the job fails with `storage_unavailable`.
   */
  storageRetryWindowMs: number;
}

/** The asset store, not the provider, failed: the same result may be stored a moment later. */
function isStorageError(error: unknown): error is GatewayError {
  return (
    error instanceof GatewayError &&
    (error.code === 'storage_unavailable' || error.code === 'storage_full')
  );
}

/**
 * Applies a provider status to a job — the one path shared by polling, provider webhooks and
 * synchronous providers, so they cannot disagree. Every terminal write is conditional: when a
 * webhook and a poll race, exactly one wins and the loser's downloads are deleted.
 */
export class JobCompletion {
  constructor(private readonly options: JobCompletionOptions) {}

  async apply(
    job: Job,
    attempt: AttemptRecord,
    result: StatusResult,
    source: StatusSource,
  ): Promise<void> {
    if (attempt.status !== AttemptStatus.submitted || isTerminal(job.status)) return;
    switch (result.status) {
      case 'pending':
        return this.pending(job, attempt, result, source);
      case 'completed':
        return this.completed(job, attempt, result, source);
      case 'failed':
        return this.failed(
          job,
          attempt,
          { code: result.code, message: result.message },
          result.isRetryable,
        );
      case 'canceled':
        await finishJob(this.options, job, JobStatus.canceled, null);
        return;
    }
  }

  /** Schedules the next poll for an attempt. */
  async schedulePoll(
    job: Job,
    attempt: AttemptRecord,
    poll: number,
    retryAfterMs?: number,
    executor?: Queryable,
  ): Promise<void> {
    const next = this.nextPoll(job, attempt, poll, retryAfterMs);
    await this.sendPoll(job, next.message, next.startAfterMs, executor);
  }

  /** Queues a poll, or (a job on a caller's key) runs it on this process's timers. */
  private async sendPoll(
    job: Job,
    message: PollMessage,
    startAfterMs: number,
    executor?: Queryable,
  ): Promise<void> {
    if (job.request.callerKey) {
      // Only the process holding the caller's key may poll; any other (a backstop message
      // taken elsewhere) leaves the job to it, and the supervisor ends it should it be gone.
      if (this.options.callerKeys.get(job.id) !== undefined)
        this.options.localPolls.schedule(message, startAfterMs);
      return;
    }
    await this.options.queue.sendPoll(message, { startAfterMs, executor });
  }

  /**
   * The next poll of an attempt and its delay, without sending it: a batched acceptance sends
   * the first polls of many jobs together. Jobs on a caller's key are polled on this process's
   * timers instead (`schedulePoll`).
   */
  nextPoll(job: Job, attempt: AttemptRecord, poll: number, retryAfterMs?: number): ScheduledPoll {
    const { instances, publicUrl, polling, now } = this.options;
    const adapter = instances.adapter(attempt.provider);
    const offering = adapter?.models.find(
      (model) => model.providerModelId === attempt.providerModelId,
    );
    const callerKey = Boolean(job.request.callerKey);
    // Only a callback the provider was actually given makes polling a mere backstop (jobs on a
    // caller's key are given none).
    const webhooks = Boolean(
      !callerKey && publicUrl() && adapter?.parseWebhook && offering?.capabilities.supportsWebhook,
    );
    const delay = pollDelayMs(poll, {
      initialMs: webhooks ? polling.pollInitialMs * 5 : polling.pollInitialMs,
      maxMs: polling.pollMaxMs,
      retryAfterMs,
    });
    const remaining = job.deadlineAt.getTime() - now();
    return {
      message: { jobId: job.id, attemptId: attempt.id, poll: poll + 1 },
      startAfterMs: Math.max(0, Math.min(delay, remaining + 1000)),
    };
  }

  private async pending(
    job: Job,
    attempt: AttemptRecord,
    result: Extract<StatusResult, { status: 'pending' }>,
    source: StatusSource,
  ): Promise<void> {
    // Progress is stored in 10 % steps: each stored change is a write, and a poll that only
    // moved progress by a hair is not worth one.
    const progress = result.progress === undefined ? null : Math.floor(result.progress * 10) / 10;
    const becomesRunning =
      job.status !== JobStatus.running && (result.phase === 'running' || progress !== null);
    if (becomesRunning || (progress !== null && progress !== job.progress)) {
      const changed = await this.options.repository.markRunning(job.id, progress);
      if (changed && becomesRunning)
        this.options.events.emitLocal({ jobId: job.id, status: JobStatus.running });
    }
    if (source.type === 'poll')
      await this.schedulePoll(job, attempt, source.poll, result.retryAfterMs);
  }

  private async completed(
    job: Job,
    attempt: AttemptRecord,
    result: Extract<StatusResult, { status: 'completed' }>,
    source: StatusSource,
  ): Promise<void> {
    const { options } = this;
    let saved: PreparedAsset[] | undefined;
    // A synchronous result exists only in this answer (no later poll can fetch it again), so
    // it gets a few tries here; polled and called-back results are looked at again later.
    const tries = source.type === 'immediate' ? 3 : 1;
    let lastError: unknown;
    for (let attemptNumber = 1; attemptNumber <= tries && !saved; attemptNumber++) {
      try {
        saved = await storeProviderOutputs(options, job, result.outputs);
      } catch (error) {
        lastError = error;
        options.logger.warn(
          { jobId: job.id, try: attemptNumber, error: (error as Error).message },
          'storing provider outputs failed',
        );
        if (error instanceof GatewayError && !error.isRetryable) break;
        if (attemptNumber < tries)
          await new Promise((resolve) => setTimeout(resolve, 500 * attemptNumber));
      }
    }
    if (!saved && isStorageError(lastError)) {
      if (source.type === 'webhook') return; // the backstop poll counts from here
      if (source.type === 'poll') return this.storageFailed(job, attempt, source, lastError);
      return this.failed(job, attempt, { code: lastError.code, message: lastError.message }, false);
    }
    if (!saved) {
      const gatewayError = lastError instanceof GatewayError ? lastError : undefined;
      if (gatewayError && !gatewayError.isRetryable) {
        return this.failed(
          job,
          attempt,
          { code: gatewayError.code, message: gatewayError.message },
          false,
        );
      }
      if (source.type === 'poll') await this.schedulePoll(job, attempt, source.poll);
      else if (source.type === 'immediate') {
        const message = lastError instanceof Error ? lastError.message : 'unknown error';
        return this.failed(
          job,
          attempt,
          { code: 'output_storage_failed', message: `The result could not be stored: ${message}` },
          true,
        );
      }
      return;
    }
    if (saved.length === 0) {
      return this.failed(
        job,
        attempt,
        {
          code: 'provider_bad_response',
          message: 'The provider reported success without any output.',
        },
        true,
      );
    }
    const outputs: JobOutput[] = saved.map((asset, index) => ({
      assetId: asset.id,
      mimeType: asset.mimeType,
      bytes: asset.bytes,
      width: asset.width ?? result.outputs[index]?.width,
      height: asset.height ?? result.outputs[index]?.height,
      durationSeconds: asset.durationSeconds ?? result.outputs[index]?.durationSeconds,
    }));
    const costUsd = attemptCost(options.instances, job, attempt, outputs, result.usage);
    const { successWriter } = options;
    let stored: Job | undefined;
    if (source.type === 'immediate' && source.acceptance && successWriter) {
      stored = await successWriter.write(job, {
        generationId: job.id,
        attemptId: attempt.id,
        provider: source.acceptance.provider,
        providerJobId: source.acceptance.providerJobId,
        operation: source.acceptance.operation,
        outputs,
        costUsd,
        warnings: [...source.acceptance.warnings, ...(result.warnings ?? [])],
        assets: saved,
      });
      if (!stored) {
        await options.assets.discard(saved);
        return;
      }
    } else {
      const won = await options.queue.transaction(options.database, async (transaction) => {
        if (source.type === 'immediate' && source.prelude && !(await source.prelude(transaction)))
          return false;
        const updated = await options.repository.markSucceeded(transaction, {
          generationId: job.id,
          attemptId: attempt.id,
          outputs,
          costUsd,
          warnings: result.warnings ?? [],
        });
        if (!updated) return false;
        // The files are on disk already; their rows commit with the job's success.
        for (const asset of saved) await options.assets.insertRow(asset, transaction);
        if (job.webhook) await transaction.sendWebhook({ jobId: job.id });
        await options.events.publish({ jobId: job.id, status: JobStatus.succeeded }, transaction);
        return true;
      });
      if (!won) {
        await options.assets.discard(saved);
        return;
      }
    }
    // The stored job spares local waiters a read-back.
    options.events.emitLocal({ jobId: job.id, status: JobStatus.succeeded, job: stored });
    const latencyMs = options.now() - job.createdAt.getTime();
    options.observer.attemptFinished({
      jobId: job.id,
      provider: attempt.provider,
      model: job.request.model,
      phase: 'result',
      ok: true,
      providerFault: false,
      latencyMs: options.now() - (job.submittedAt ?? job.createdAt).getTime(),
      costUsd,
      ...(job.request.callerKey ? { callerKey: true } : {}),
    });
    options.observer.jobFinished({
      jobId: job.id,
      status: JobStatus.succeeded,
      provider: attempt.provider,
      model: job.request.model,
      user: job.request.user,
      latencyMs,
      costUsd: (job.cost.actualUsd ?? 0) + costUsd,
      outputs: outputs.length,
    });
    options.logger.info(
      { jobId: job.id, provider: attempt.provider, latencyMs, costUsd },
      'job succeeded',
    );
  }

  /**
   * A polled result the store refused, or would refuse (it is known to be down): fetched again
   * later while the window and the deadline allow, else the job fails with the store's error.
   */
  async storageFailed(
    job: Job,
    attempt: AttemptRecord,
    source: Extract<StatusSource, { type: 'poll' }>,
    error: GatewayError,
  ): Promise<void> {
    if (await this.retryStorage(job, attempt, source)) return;
    // Not resubmitted elsewhere: another provider's result would meet the same store.
    return this.failed(job, attempt, { code: error.code, message: error.message }, false);
  }

  /**
   * The provider still holds a result the store refused: fetch it again shortly, until the
   * store is back, the retry window is spent or the deadline nears (false: fail the job now).
   * Never a plain poll until the deadline, which would end as a misleading `job_timeout`.
   */
  private async retryStorage(
    job: Job,
    attempt: AttemptRecord,
    source: Extract<StatusSource, { type: 'poll' }>,
  ): Promise<boolean> {
    const { options } = this;
    const failures = (source.storageFailures ?? 0) + 1;
    const failingSince = source.storageFailingSince ?? options.now();
    const delayMs = storageRetryDelayMs({
      failures,
      failingSinceMs: failingSince,
      nowMs: options.now(),
      windowMs: options.storageRetryWindowMs,
      deadlineMs: job.deadlineAt.getTime(),
      polling: options.polling,
    });
    if (delayMs === undefined) return false;
    const message: PollMessage = {
      jobId: job.id,
      attemptId: attempt.id,
      poll: source.poll + 1,
      storageFailures: failures,
      storageFailingSince: failingSince,
    };
    await this.sendPoll(job, message, delayMs);
    return true;
  }

  /** An accepted attempt failed: resubmit elsewhere when allowed, else fail the job. */
  private async failed(
    job: Job,
    attempt: AttemptRecord,
    error: { code: string; message: string },
    isRetryable: boolean,
  ): Promise<void> {
    const { options } = this;
    options.observer.attemptFinished({
      jobId: job.id,
      provider: attempt.provider,
      model: job.request.model,
      phase: 'result',
      ok: false,
      errorCode: error.code,
      providerFault: isRetryable,
      latencyMs: options.now() - (job.submittedAt ?? job.createdAt).getTime(),
      ...(job.request.callerKey ? { callerKey: true } : {}),
    });
    if (isRetryable && job.request.allowResubmit) {
      const requeued = await options.queue.transaction(options.database, async (transaction) => {
        await options.repository.failAttempt(transaction, attempt.id, error);
        const updated = await options.repository.requeue(transaction, job.id);
        if (updated) await transaction.sendSubmit({ jobId: job.id });
        return updated;
      });
      if (requeued) {
        options.logger.info(
          { jobId: job.id, provider: attempt.provider, error: error.code },
          'accepted job failed; resubmitting elsewhere',
        );
        return;
      }
    }
    await finishJob(options, job, JobStatus.failed, error, (transaction) =>
      options.repository.failAttempt(transaction, attempt.id, error),
    );
  }
}
