import { createId } from '../core/create-id.js';
import { GatewayError, ProviderErrorCode } from '../core/errors/index.js';
import type { Config } from '../config/config-schema.js';
import { AttemptStatus, isTerminal, JobStatus, type Job } from '../core/job.js';
import type { SubmitContext, SubmitResult } from '../core/provider-adapter.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { OfferingAvailability } from '../routing/control-plane/offering-availability.js';
import type { Router } from '../routing/router.js';
import type { RoutingCandidate } from '../routing/routing-candidate.js';
import type { AttemptRecord } from '../store/repositories/attempt-rows.js';
import type { Queryable } from '../store/database.js';
import { isTransientDatabaseError } from '../store/is-transient-database-error.js';
import { buildProviderRequest } from './build-provider-request.js';
import { requestKeyUnavailable, type CallerKeyVault } from './caller-key-vault.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import { finishJob, type FinishJobDependencies } from './finish-job.js';
import type { PlannedSubmission } from './inline-submitter.js';
import type { InputImageResolver } from './input-image-resolver.js';
import type { JobInputImages } from './job-input-images.js';
import type { JobCompletion } from './job-completion.js';
import type { SubmitMessage } from './job-queue.js';
import { allowsFallback, toProviderError } from './to-provider-error.js';
import type { BatchedAcceptanceWriter } from './batched-acceptance-writer.js';

export interface SubmitWorkerOptions extends FinishJobDependencies {
  router: Router;
  instances: ProviderInstances;
  /** Turns the job's image references into what adapters read. */
  images: InputImageResolver;
  /** Applies synchronous answers and schedules the first poll. */
  completion: JobCompletion;
  limits: Pick<Config['jobs'], 'maxSubmitRounds' | 'providerCallTimeoutMs'>;
  /** Public base URL for provider callbacks, when configured. */
  publicUrl: () => string | undefined;
  /** Aborted at shutdown: provider calls stop waiting. */
  shutdown: AbortSignal;
  /** Keys of jobs on a caller's own key that this process accepted (ADR 0009). */
  callerKeys: CallerKeyVault;
  /** Where an offering whose provider refused the model is marked unavailable. */
  offerings?: OfferingAvailability;
  /**
   * Shares attempt rows and acceptances between concurrent submissions; absent, each commits
   * on its own.
   */
  writer?: BatchedAcceptanceWriter;
}

/** Slack past the call timeout before a `submitting` attempt of another instance counts as dead. */
const backstopGraceMs = 5_000;

/** Why each candidate failed, for `all_providers_failed`. */
interface CandidateFailure {
  provider: string;
  code: string;
  message: string;
  retryAfterMs?: number;
}

/**
 * Takes a queued job to a provider: asks the router for candidates, records each attempt before
 * calling the provider, and moves down the list on failures that are not the client's fault.
 * When a previous run died mid-submit, it asks the provider whether the submission arrived
 * instead of submitting again.
 */
export class SubmitWorker {
  /** Jobs this process is submitting inline right now (their backstop must wait). */
  private readonly inline = new Set<string>();

  constructor(private readonly options: SubmitWorkerOptions) {}

  /** Inline submissions running in this process now. */
  get inlineInFlight(): number {
    return this.inline.size;
  }

  /**
   * Reads the jobs of a batch of messages in one statement, for `process`: null for a job that
   * no longer exists. A failed read reads nothing, and each message then reads its own job.
   */
  async prefetch(messages: readonly SubmitMessage[]): Promise<Map<string, Job | null>> {
    const ids = messages.filter((message) => !this.inline.has(message.jobId)).map((m) => m.jobId);
    try {
      const jobs = await this.options.repository.getMany(ids);
      return new Map(ids.map((id) => [id, jobs.get(id) ?? null]));
    } catch (error) {
      this.options.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'could not read a batch of jobs; reading them one by one',
      );
      return new Map();
    }
  }

  /** Handles one submit message from the queue. */
  async process(message: SubmitMessage, prefetched?: Job | null): Promise<void> {
    const { jobId, round = 0, backstop = false } = message;
    // Retries and fallbacks of a live inline submission can outlast the backstop's delay;
    // taking the job over then would end it as "gateway stopped" while its provider call runs.
    if (backstop && this.inline.has(jobId)) {
      await this.deferBackstop(jobId, this.options.limits.providerCallTimeoutMs);
      return;
    }
    // A job read with its batch's others (one read for the batch) stands for this read.
    const job = prefetched === undefined ? await this.options.repository.get(jobId) : prefetched;
    if (job) await this.processJob(job, round, backstop);
  }

  /**
   * Submits a job this process just stored (with the plan and first attempt stored with it),
   * tracked so its backstop message leaves it alone.
   */
  async processInline(job: Job, planned?: PlannedSubmission): Promise<void> {
    this.inline.add(job.id);
    try {
      await this.processJob(job, 0, false, planned);
    } finally {
      this.inline.delete(job.id);
    }
  }

  /** Submits a job already in hand. */
  async processJob(
    job: Job,
    round = 0,
    backstop = false,
    planned?: PlannedSubmission,
  ): Promise<void> {
    const { options } = this;
    const jobId = job.id;
    if (isTerminal(job.status)) return;
    // A fresh job has no attempts: skip the read (the job row says so).
    const attempts = job.attempts.length ? await options.repository.attempts(jobId) : [];
    if (job.status === JobStatus.submitted || job.status === JobStatus.running) {
      // The previous run was accepted by the provider but died before finishing this message.
      const accepted = attempts.findLast((attempt) => attempt.status === AttemptStatus.submitted);
      if (accepted) await options.completion.schedulePoll(job, accepted, 0);
      return;
    }
    // The caller's key lives only in the process that accepted the job, which submits it inline:
    // a queued job elsewhere (its backstop message) means that process is gone.
    if (options.callerKeys.keyFor(job) === null) {
      await finishJob(options, job, JobStatus.failed, requestKeyUnavailable);
      return;
    }
    if (options.now() > job.deadlineAt.getTime()) {
      await finishJob(options, job, JobStatus.failed, {
        code: 'job_timeout',
        message: 'The job did not start before its deadline.',
      });
      return;
    }
    const dangling = attempts.find((attempt) => attempt.status === AttemptStatus.submitting);
    if (dangling && backstop && dangling.startedAt) {
      // Another instance may still be inside this call: only past its timeout is it dead.
      const age = options.now() - dangling.startedAt.getTime();
      const remainingMs = options.limits.providerCallTimeoutMs + backstopGraceMs - age;
      if (remainingMs > 0) {
        await this.deferBackstop(jobId, remainingMs);
        return;
      }
    }
    // One run's view of the input images: a URL an adapter reads is downloaded once for all of
    // this run's candidates, then read from the store.
    const images = options.images.forJob(job);
    if (dangling && (await this.recover(job, dangling, images))) return;

    // Providers that accepted this job and then failed are not asked again.
    const exclude = new Set(
      attempts
        .filter((attempt) => attempt.providerJobId !== null)
        .map((attempt) => attempt.provider),
    );
    const plan = planned?.plan ?? options.router.plan(job.request, { exclude, stickyKey: job.id });
    if (plan.candidates.length === 0) {
      await finishJob(options, job, JobStatus.failed, {
        code: 'no_capable_provider',
        message: `No enabled provider can serve model '${job.request.model}' for this request.`,
        details: { rejected: plan.rejected },
      });
      return;
    }
    const failures: CandidateFailure[] = [];
    let lastError: GatewayError | undefined;
    const decision = {
      strategy: plan.strategy,
      candidates: plan.candidates.map((candidate) => candidate.providerId),
    };
    for (const [index, candidate] of plan.candidates.entries()) {
      const storedAttemptId = index === 0 ? planned?.attemptId : undefined;
      const outcome = await this.trySubmit(job, candidate, images, decision, storedAttemptId);
      if (outcome === 'accepted') return;
      failures.push(outcome);
      lastError = outcome.error;
      if (!allowsFallback(outcome.error)) {
        await finishJob(options, job, JobStatus.failed, outcome.error.toJSON());
        return;
      }
    }
    const reasons = failures.map(({ provider, code, message }) => ({ provider, code, message }));
    // A later round goes through the queue, to any instance: a caller's key is not there.
    if (round + 1 < options.limits.maxSubmitRounds && !job.request.callerKey) {
      const retryAfterMs = Math.max(
        1000 * 2 ** round,
        ...failures.map((failure) => failure.retryAfterMs ?? 0),
      );
      if (options.now() + retryAfterMs < job.deadlineAt.getTime()) {
        await options.queue.sendSubmit({ jobId, round: round + 1 }, { startAfterMs: retryAfterMs });
        options.logger.warn({ jobId, round, reasons }, 'every provider failed; trying again later');
        return;
      }
    }
    // A request pinned to one provider had no chain to exhaust: it reports that provider's own
    // error (insufficient credits stays insufficient credits), with the attempts beside it.
    const pinned = job.request.provider;
    if (pinned && lastError && failures.every((failure) => failure.provider === pinned)) {
      const own = lastError.toJSON();
      await finishJob(options, job, JobStatus.failed, {
        ...own,
        details: { ...own.details, provider: pinned, attempts: reasons },
      });
      return;
    }
    await finishJob(options, job, JobStatus.failed, {
      code: 'all_providers_failed',
      message: `All providers failed or are exhausted: ${reasons.map((reason) => `${reason.provider}: ${reason.code}`).join('; ')}.`,
      details: { attempts: reasons },
    });
  }

  private async trySubmit(
    job: Job,
    candidate: RoutingCandidate,
    images: JobInputImages,
    decision: { strategy: string; candidates: string[] },
    /** The attempt's row when it was stored with the job. */
    storedAttemptId?: string,
  ): Promise<'accepted' | (CandidateFailure & { error: GatewayError })> {
    const { options } = this;
    const attemptId = storedAttemptId ?? createId('att');
    if (!storedAttemptId) {
      const attempt = {
        id: attemptId,
        generationId: job.id,
        provider: candidate.providerId,
        providerModelId: candidate.offering.providerModelId,
      };
      await (options.writer
        ? options.writer.insertAttempt(attempt)
        : options.repository.insertAttempt(attempt));
    }
    const started = options.now();
    let providerAccepted = false;
    try {
      const result = await callWithTimeout(
        candidate.providerId,
        options.limits.providerCallTimeoutMs,
        options.shutdown,
        (signal) =>
          candidate.adapter.submit(
            buildProviderRequest(job.request, candidate, images),
            this.submitContext(job, attemptId, candidate.providerId, signal),
          ),
      );
      providerAccepted = true;
      options.observer.attemptFinished({
        jobId: job.id,
        provider: candidate.providerId,
        model: job.request.model,
        phase: 'submit',
        ok: true,
        providerFault: false,
        latencyMs: options.now() - started,
        user: job.request.user,
        ...(job.request.callerKey ? { callerKey: true } : {}),
        ...decision,
      });
      await this.accept(
        job,
        attemptId,
        candidate.providerId,
        candidate.offering.providerModelId,
        result,
      );
      return 'accepted';
    } catch (thrown) {
      // The provider has the job but the database lost the answer (a restart mid-commit): this
      // is no provider failure, and falling back would submit the job twice. The attempt stays
      // `submitting`; the queue redelivers the message and `recover` asks the provider.
      if (providerAccepted && isTransientDatabaseError(thrown)) throw thrown;
      const error = toProviderError(candidate.providerId, thrown);
      const retryAfterMs =
        'retryAfterMs' in error ? (error.retryAfterMs as number | undefined) : undefined;
      await options.database.transaction((transaction) =>
        options.repository.failAttempt(transaction, attemptId, {
          code: error.code,
          message: error.message,
        }),
      );
      options.observer.attemptFinished({
        jobId: job.id,
        provider: candidate.providerId,
        model: job.request.model,
        phase: 'submit',
        ok: false,
        errorCode: error.code,
        providerFault: allowsFallback(error),
        latencyMs: options.now() - started,
        user: job.request.user,
        ...(job.request.callerKey ? { callerKey: true } : {}),
        ...decision,
      });
      options.logger.warn(
        {
          jobId: job.id,
          provider: candidate.providerId,
          error: error.code,
          message: error.message,
        },
        'submission failed',
      );
      if (error.code === ProviderErrorCode.modelUnavailable)
        await this.markUnavailable(candidate, error);
      return {
        provider: candidate.providerId,
        code: error.code,
        message: error.message,
        retryAfterMs,
        error,
      };
    }
  }

  /**
   * The provider refused the model id (retired): later jobs skip this offering until an
   * operator restores it. A failed write must not fail the job, which still falls back.
   */
  private async markUnavailable(candidate: RoutingCandidate, error: GatewayError): Promise<void> {
    try {
      await this.options.offerings?.markUnavailable({
        provider: candidate.providerId,
        model: candidate.offering.modelKey,
        providerModelId: candidate.offering.providerModelId,
        code: error.code,
        reason: error.message.slice(0, 300),
      });
    } catch (thrown) {
      this.options.logger.error(
        { provider: candidate.providerId, error: (thrown as Error).message },
        'could not mark the offering unavailable',
      );
    }
  }

  /** Records acceptance and starts polling (or applies a synchronous result). */
  private async accept(
    job: Job,
    attemptId: string,
    provider: string,
    providerModelId: string,
    result: SubmitResult,
  ): Promise<void> {
    const { options } = this;
    const markSubmitted = (transaction: Queryable) =>
      options.repository.markSubmitted(transaction, {
        generationId: job.id,
        attemptId,
        provider,
        providerJobId: result.providerJobId,
        operation: result.operation,
        warnings: result.warnings ?? [],
      });
    const attempt: AttemptRecord = {
      id: attemptId,
      generationId: job.id,
      seq: 0,
      provider,
      providerModelId,
      providerJobId: result.providerJobId,
      operation: result.operation,
      status: AttemptStatus.submitted,
    };
    const accepted = {
      ...job,
      status: JobStatus.submitted,
      provider,
      submittedAt: new Date(options.now()),
    };
    if (result.immediate?.status === 'completed') {
      // A synchronous answer: submitted and succeeded in one transaction.
      await options.completion.apply(accepted, attempt, result.immediate, {
        type: 'immediate',
        prelude: markSubmitted,
        acceptance: {
          provider,
          providerJobId: result.providerJobId,
          operation: result.operation,
          warnings: result.warnings ?? [],
        },
      });
      return;
    }
    const stillQueued =
      options.writer && !result.immediate
        ? // Shared with the acceptances that arrive meanwhile: one commit for all of them.
          await options.writer.accept({
            attempt: {
              generationId: job.id,
              attemptId,
              provider,
              providerJobId: result.providerJobId,
              operation: result.operation,
              warnings: result.warnings ?? [],
            },
            poll: job.request.callerKey
              ? undefined
              : options.completion.nextPoll(accepted, attempt, 0),
          })
        : await options.database.transaction(async (transaction) => {
            const updated = await markSubmitted(transaction);
            // The first poll commits with the acceptance: one commit, and never one without the other.
            // A job on a caller's key is polled on this process's timers, started after the commit.
            if (updated && !result.immediate && !job.request.callerKey)
              await options.completion.schedulePoll(accepted, attempt, 0, undefined, transaction);
            return updated;
          });
    if (!stillQueued) {
      // Canceled while we were submitting: tell the provider, best effort.
      await this.cancelAtProvider(provider, result);
      return;
    }
    options.events.emitLocal({ jobId: job.id, status: JobStatus.submitted });
    if (job.request.callerKey && !result.immediate)
      await options.completion.schedulePoll(accepted, attempt, 0);
    if (result.immediate)
      await options.completion.apply(accepted, attempt, result.immediate, { type: 'immediate' });
  }

  /** Returns true when the dangling attempt was found at the provider or the job was ended. */
  private async recover(
    job: Job,
    dangling: AttemptRecord,
    images: JobInputImages,
  ): Promise<boolean> {
    const { options } = this;
    const adapter = options.instances.adapter(dangling.provider);
    const candidate = options.router
      .plan({ ...job.request, provider: dangling.provider }, { dryRun: true })
      .candidates.find((entry) => entry.offering.providerModelId === dangling.providerModelId);
    if (adapter?.recover && candidate) {
      const found = await callWithTimeout(
        dangling.provider,
        options.limits.providerCallTimeoutMs,
        options.shutdown,
        (signal) =>
          adapter.recover!(
            buildProviderRequest(job.request, candidate, images),
            this.submitContext(job, dangling.id, dangling.provider, signal),
          ),
      );
      if (found) {
        options.logger.info(
          { jobId: job.id, attemptId: dangling.id },
          'recovered a submission made before a restart',
        );
        await this.accept(job, dangling.id, dangling.provider, dangling.providerModelId, found);
        return true;
      }
      await options.database.transaction((transaction) =>
        options.repository.failAttempt(transaction, dangling.id, {
          code: 'submission_lost',
          message: 'The gateway stopped before the provider received this submission.',
        }),
      );
      return false;
    }
    // The provider cannot tell us whether it got the job; submitting again could generate (and
    // bill) it twice, so the job ends with an explicit error instead.
    const error = {
      code: 'submission_outcome_unknown',
      message: `The gateway stopped while submitting to '${dangling.provider}', which cannot be asked whether it received the job; it was not resubmitted to avoid a duplicate charge.`,
    };
    await finishJob(options, job, JobStatus.failed, error, (transaction) =>
      options.repository.failAttempt(transaction, dangling.id, error),
    );
    return true;
  }

  /** Sends the backstop message again, to look at the job after `delayMs`. */
  private async deferBackstop(jobId: string, delayMs: number): Promise<void> {
    await this.options.queue.sendSubmit({ jobId, backstop: true }, { startAfterMs: delayMs });
    this.options.logger.debug(
      { jobId, delayMs },
      'inline submission still running; backstop deferred',
    );
  }

  private submitContext(
    job: Job,
    attemptId: string,
    provider: string,
    signal: AbortSignal,
  ): SubmitContext {
    const apiKey = this.options.callerKeys.keyFor(job);
    // Never the operator's key for a job that brought its own (it expired meanwhile).
    if (apiKey === null) throw new GatewayError({ ...requestKeyUnavailable, httpStatus: 503 });
    if (apiKey !== undefined) {
      // No callback: another instance could receive it and would have to ask the provider with
      // a key it does not hold; this process polls instead.
      return { jobId: job.id, attemptId, signal, apiKey };
    }
    const base = this.options.publicUrl();
    return {
      jobId: job.id,
      attemptId,
      signal,
      callbackUrl: base ? `${base}/v1/providers/${provider}/webhook` : undefined,
    };
  }

  private async cancelAtProvider(provider: string, result: SubmitResult): Promise<void> {
    const adapter = this.options.instances.adapter(provider);
    if (!adapter?.cancel) return;
    try {
      await callWithTimeout(provider, 10_000, this.options.shutdown, (signal) =>
        adapter.cancel!(result.operation, { signal }),
      );
    } catch (error) {
      this.options.logger.warn(
        { provider, error: (error as Error).message },
        'cancel at provider failed',
      );
    }
  }
}
