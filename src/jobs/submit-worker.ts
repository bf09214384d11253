import { createId } from '../core/create-id.js';
import type { GatewayError } from '../core/errors/index.js';
import { isTerminal, type Job } from '../core/job.js';
import type { SubmitContext, SubmitResult } from '../core/provider-adapter.js';
import type { RoutingCandidate } from '../routing/routing-candidate.js';
import type { AttemptRecord } from '../store/repositories/generation-repository.js';
import type { Queryable } from '../store/database.js';
import { buildProviderRequest } from './build-provider-request.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import { finishJob } from './finish-job.js';
import type { JobCompletion } from './job-completion.js';
import type { JobEngineContext } from './job-engine-context.js';
import { allowsFallback, toProviderError } from './to-provider-error.js';

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
  constructor(
    private readonly context: JobEngineContext,
    private readonly completion: JobCompletion,
  ) {}

  async process(jobId: string, round = 0): Promise<void> {
    const job = await this.context.repository.get(jobId);
    if (job) await this.processJob(job, round);
  }

  /** Submits a job already in hand (inline submission passes the job it just stored). */
  async processJob(job: Job, round = 0): Promise<void> {
    const { context } = this;
    const jobId = job.id;
    if (isTerminal(job.status)) return;
    // A fresh job has no attempts: skip the read (the job row says so).
    const attempts = job.attempts.length ? await context.repository.attempts(jobId) : [];
    if (job.status === 'submitted' || job.status === 'running') {
      // The previous run was accepted by the provider but died before finishing this message.
      const accepted = attempts.findLast((attempt) => attempt.status === 'submitted');
      if (accepted) await this.completion.schedulePoll(job, accepted, 0);
      return;
    }
    if (context.now() > job.deadlineAt.getTime()) {
      await finishJob(context, job, 'failed', {
        code: 'job_timeout',
        message: 'The job did not start before its deadline.',
      });
      return;
    }
    const dangling = attempts.find((attempt) => attempt.status === 'submitting');
    if (dangling && (await this.recover(job, dangling))) return;

    // Providers that accepted this job and then failed are not asked again.
    const exclude = new Set(
      attempts
        .filter((attempt) => attempt.providerJobId !== null)
        .map((attempt) => attempt.provider),
    );
    const plan = context.router.plan(job.request, { exclude, stickyKey: job.id });
    if (plan.candidates.length === 0) {
      await finishJob(context, job, 'failed', {
        code: 'no_capable_provider',
        message: `No enabled provider can serve model '${job.request.model}' for this request.`,
        details: { rejected: plan.rejected },
      });
      return;
    }
    const failures: CandidateFailure[] = [];
    const decision = {
      strategy: plan.strategy,
      candidates: plan.candidates.map((candidate) => candidate.providerId),
    };
    for (const candidate of plan.candidates) {
      const outcome = await this.trySubmit(job, candidate, decision);
      if (outcome === 'accepted') return;
      failures.push(outcome);
      if (!allowsFallback(outcome.error)) {
        await finishJob(context, job, 'failed', outcome.error.toJSON());
        return;
      }
    }
    const reasons = failures.map(({ provider, code, message }) => ({ provider, code, message }));
    if (round + 1 < context.jobsConfig.maxSubmitRounds) {
      const retryAfterMs = Math.max(
        1000 * 2 ** round,
        ...failures.map((failure) => failure.retryAfterMs ?? 0),
      );
      if (context.now() + retryAfterMs < job.deadlineAt.getTime()) {
        await context.queue.sendSubmit({ jobId, round: round + 1 }, { startAfterMs: retryAfterMs });
        context.logger.warn({ jobId, round, reasons }, 'every provider failed; trying again later');
        return;
      }
    }
    await finishJob(context, job, 'failed', {
      code: 'all_providers_failed',
      message: `All providers failed or are exhausted: ${reasons.map((reason) => `${reason.provider}: ${reason.code}`).join('; ')}.`,
      details: { attempts: reasons },
    });
  }

  private async trySubmit(
    job: Job,
    candidate: RoutingCandidate,
    decision: { strategy: string; candidates: string[] },
  ): Promise<'accepted' | (CandidateFailure & { error: GatewayError })> {
    const { context } = this;
    const attemptId = createId('att');
    await context.repository.insertAttempt({
      id: attemptId,
      generationId: job.id,
      provider: candidate.providerId,
      providerModelId: candidate.offering.providerModelId,
    });
    const started = context.now();
    try {
      const result = await callWithTimeout(
        candidate.providerId,
        context.jobsConfig.providerCallTimeoutMs,
        context.shutdown,
        (signal) =>
          candidate.adapter.submit(
            buildProviderRequest(job.request, candidate, context.images),
            this.submitContext(job, attemptId, candidate.providerId, signal),
          ),
      );
      context.observer.attemptFinished({
        jobId: job.id,
        provider: candidate.providerId,
        model: job.request.model,
        phase: 'submit',
        ok: true,
        providerFault: false,
        latencyMs: context.now() - started,
        user: job.request.user,
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
      const error = toProviderError(candidate.providerId, thrown);
      const retryAfterMs =
        'retryAfterMs' in error ? (error.retryAfterMs as number | undefined) : undefined;
      await context.database.transaction((transaction) =>
        context.repository.failAttempt(transaction, attemptId, {
          code: error.code,
          message: error.message,
        }),
      );
      context.observer.attemptFinished({
        jobId: job.id,
        provider: candidate.providerId,
        model: job.request.model,
        phase: 'submit',
        ok: false,
        errorCode: error.code,
        providerFault: allowsFallback(error),
        latencyMs: context.now() - started,
        user: job.request.user,
        ...decision,
      });
      context.logger.warn(
        {
          jobId: job.id,
          provider: candidate.providerId,
          error: error.code,
          message: error.message,
        },
        'submission failed',
      );
      return {
        provider: candidate.providerId,
        code: error.code,
        message: error.message,
        retryAfterMs,
        error,
      };
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
    const { context } = this;
    const markSubmitted = (transaction: Queryable) =>
      context.repository.markSubmitted(transaction, {
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
      status: 'submitted',
    };
    const accepted = {
      ...job,
      status: 'submitted' as const,
      provider,
      submittedAt: new Date(context.now()),
    };
    if (result.immediate?.status === 'completed') {
      // A synchronous answer: submitted and succeeded in one transaction.
      await this.completion.apply(accepted, attempt, result.immediate, {
        type: 'immediate',
        prelude: markSubmitted,
      });
      return;
    }
    const stillQueued = await context.database.transaction(async (transaction) => {
      const updated = await markSubmitted(transaction);
      // The first poll commits with the acceptance: one commit, and never one without the other.
      if (updated && !result.immediate)
        await this.completion.schedulePoll(accepted, attempt, 0, undefined, transaction);
      return updated;
    });
    if (!stillQueued) {
      // Canceled while we were submitting: tell the provider, best effort.
      await this.cancelAtProvider(provider, result);
      return;
    }
    context.events.emitLocal({ jobId: job.id, status: 'submitted' });
    if (result.immediate)
      await this.completion.apply(accepted, attempt, result.immediate, { type: 'immediate' });
  }

  /** Returns true when the dangling attempt was found at the provider or the job was ended. */
  private async recover(job: Job, dangling: AttemptRecord): Promise<boolean> {
    const { context } = this;
    const adapter = context.instances.adapter(dangling.provider);
    const candidate = context.router
      .plan({ ...job.request, provider: dangling.provider }, { dryRun: true })
      .candidates.find((entry) => entry.offering.providerModelId === dangling.providerModelId);
    if (adapter?.recover && candidate) {
      const found = await callWithTimeout(
        dangling.provider,
        context.jobsConfig.providerCallTimeoutMs,
        context.shutdown,
        (signal) =>
          adapter.recover!(
            buildProviderRequest(job.request, candidate, context.images),
            this.submitContext(job, dangling.id, dangling.provider, signal),
          ),
      );
      if (found) {
        context.logger.info(
          { jobId: job.id, attemptId: dangling.id },
          'recovered a submission made before a restart',
        );
        await this.accept(job, dangling.id, dangling.provider, dangling.providerModelId, found);
        return true;
      }
      await context.database.transaction((transaction) =>
        context.repository.failAttempt(transaction, dangling.id, {
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
    await finishJob(context, job, 'failed', error, (transaction) =>
      context.repository.failAttempt(transaction, dangling.id, error),
    );
    return true;
  }

  private submitContext(
    job: Job,
    attemptId: string,
    provider: string,
    signal: AbortSignal,
  ): SubmitContext {
    const base = this.context.publicUrl();
    return {
      jobId: job.id,
      attemptId,
      signal,
      callbackUrl: base ? `${base}/v1/providers/${provider}/webhook` : undefined,
    };
  }

  private async cancelAtProvider(provider: string, result: SubmitResult): Promise<void> {
    const adapter = this.context.instances.adapter(provider);
    if (!adapter?.cancel) return;
    try {
      await callWithTimeout(provider, 10_000, this.context.shutdown, (signal) =>
        adapter.cancel!(result.operation, { signal }),
      );
    } catch (error) {
      this.context.logger.warn(
        { provider, error: (error as Error).message },
        'cancel at provider failed',
      );
    }
  }
}
