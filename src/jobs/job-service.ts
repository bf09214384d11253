import { createHash } from 'node:crypto';
import { createId } from '../core/create-id.js';
import type { Config } from '../config/config-schema.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../core/errors/index.js';
import type { GenerationKind, GenerationRequest } from '../core/generation-request.js';
import { isTerminal, JobStatus, type Job } from '../core/job.js';
import type { Access } from '../core/tenancy.js';
import type { Warning } from '../core/warning.js';
import type { SsrfGuard } from '../security/ssrf-guard.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { Router } from '../routing/router.js';
import { newGenerationRow, jobFromRow } from '../store/repositories/generation-rows.js';
import type { BatchedJobWriter } from './batched-job-writer.js';
import { finishJob, type FinishJobDependencies } from './finish-job.js';
import type { InlineSubmitter } from './inline-submitter.js';
import type { CallerKeyVault } from './caller-key-vault.js';
import type { OutputHandoff } from './output-handoff.js';
import { firstAttemptOf, planSubmission } from './plan-submission.js';
import { normalizeRequest, type GenerationRequestDraft } from './normalize-request.js';
import { applyStylePreset, type StyledDraft } from './apply-style-preset.js';
import type { PromptEnhancer } from './prompt-enhancer.js';
import type { StylePreset } from '../core/style-preset.js';
import type { InputImageResolver } from './input-image-resolver.js';
import type { WaitAdmission } from './wait-admission.js';
import { waitForChange } from './wait-for-change.js';
import type { JobCopier } from '../core/job-copier.js';
import type { FreeDiskFloor } from '../assets/free-disk-floor.js';

export interface JobServiceOptions extends FinishJobDependencies {
  /** Stores new jobs with their submit messages, batching concurrent creations. */
  writer: BatchedJobWriter;
  /** Takes jobs whose client waits, when this process runs workers. */
  inline: InlineSubmitter;
  router: Router;
  instances: ProviderInstances;
  /** Checks and stores the request's input images. */
  images: InputImageResolver;
  /** Checks `webhook_url` against private networks at creation. */
  webhookGuard: SsrfGuard;
  limits: Pick<Config['jobs'], 'defaultTimeoutSeconds' | 'providerCallTimeoutMs'>;
  /** Aborted at shutdown: held waits answer with the job as it is. */
  shutdown: AbortSignal;
  /** Gateway style presets by name (built-in ones merged with the config file's). */
  stylePresets: Readonly<Record<string, StylePreset>>;
  /** Rewrites prompts of requests that ask for it (`enhance_prompt`). */
  enhancer: PromptEnhancer;
  /** Per-instance limits on waiting clients and inline submissions. */
  admission: WaitAdmission;
  /** Holds callers' own provider keys in this process's memory (ADR 0009). */
  callerKeys: CallerKeyVault;
  /** Offered every accepted job: a rollout's shadow stage copies some to its canary. */
  copier?: JobCopier;
  /** Refuses new jobs (507 `storage_full`) while the disk is below `storage.minFreeDiskMb`. */
  diskFloor?: FreeDiskFloor;
}

export interface CreateOptions {
  idempotencyKey?: string;
  regeneratedFrom?: string;
  /**
   * The caller will wait for the result: submit in this process right away instead of through
   * the queue (a backstop due time takes over should this process die), refusing the request
   * with 503 `overloaded` when this process holds too many. Without it a job is still submitted
   * inline while there is room (ADR 0024), and otherwise queued.
   */
  inline?: boolean;
  /** Who asks: the job records the tenant, and the model must be on the caller's list. */
  access?: Access;
  /** Warnings to store on the job from the start (a compatibility route adjusted a parameter). */
  warnings?: Warning[];
  /**
   * The caller's own API key for the pinned provider (S1's `api_key`, when allowed): held in
   * this process's memory only, for this job's calls; the job must be pinned and `inline`.
   * The job records only that it has one, and ends `request_key_unavailable` anywhere the key
   * is not (ADR 0009).
   */
  providerKey?: string;
}

/** A page of jobs, newest first. */
export interface JobPage {
  jobs: Job[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

function ownedBy(job: Job, access: Access | undefined): boolean {
  return access?.tenantId === undefined || job.tenantId === access.tenantId;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([left], [right]) => left.localeCompare(right));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableStringify(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The job manager: validates and stores new jobs (durably, with their queue message, before
 * the client hears 202), reads them, cancels them and waits for them.
 */
export class JobService {
  constructor(private readonly options: JobServiceOptions) {}

  async create(
    draft: StyledDraft,
    options: CreateOptions = {},
  ): Promise<{ job: Job; created: boolean }> {
    const { images, writer, inline, limits } = this.options;
    const tenantId = options.access?.tenantId;
    // Keys are per tenant: another tenant's key can neither replay nor block this one's job.
    const idempotencyKey =
      options.idempotencyKey && tenantId
        ? `${tenantId}:${options.idempotencyKey}`
        : options.idempotencyKey;
    // Only a replay compares hashes: a request without a key skips serialising and hashing it.
    const requestHash = idempotencyKey
      ? createHash('sha256').update(stableStringify(draft)).digest('hex')
      : null;
    if (idempotencyKey && requestHash) {
      const replay = await this.replay(idempotencyKey, requestHash);
      if (replay) return { job: replay, created: false };
    }
    // Before anything is written: a job accepted onto a full disk fails half way instead.
    await this.options.diskFloor?.check();
    const styled = this.styled(draft);
    const request = normalizeRequest(this.options.instances, styled);
    // Stored with the job, so every later plan (fallback, resubmission) stays in the group.
    if (options.access?.group) request.group = options.access.group;
    if (options.providerKey !== undefined) {
      this.checkCallerKeyPossible(request, options);
      request.callerKey = true;
      // The caller's key serves its own provider only: no resubmission, no fallback model.
      request.allowResubmit = false;
      delete request.fallbackModels;
    }
    this.checkModelAllowed(styled.model, request.model, options.access);
    const id = createId('gen');
    // A model rollout's share goes to the new model before provider routing; a key limited to
    // certain models keeps to them, so the rollout skips its requests rather than refusing them.
    const served = this.options.router.chooseModel(request, id);
    if (
      served !== request.model &&
      (!options.access?.models || options.access.models.includes(served))
    ) {
      request.requestedModel = request.model;
      request.model = served;
    }
    if (request.webhookUrl) this.options.webhookGuard.checkUrl(request.webhookUrl);
    await images.validate(request.inputImages, 'input_images', tenantId);
    if (request.mask) await images.validate([request.mask], 'mask', tenantId);
    const plan = this.planOrThrow(request);
    // Before the job is stored, so the job records the prompt actually sent.
    const enhancementWarnings = await this.options.enhancer.enhance(request, plan);
    request.inputImages = await images.storeInlineImages(
      request.inputImages,
      'input_images',
      tenantId,
    );
    if (request.mask)
      [request.mask] = await images.storeInlineImages([request.mask], 'mask', tenantId);

    const now = this.options.now();
    const generation = {
      id,
      request,
      estimatedCostUsd: plan.candidates[0]?.estimatedCostUsd ?? null,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      deadlineAt: new Date(now + (request.timeoutSeconds ?? limits.defaultTimeoutSeconds) * 1000),
      regeneratedFrom: options.regeneratedFrom ?? null,
      tenantId: tenantId ?? null,
      apiKeyId: options.access?.apiKeyId ?? null,
      warnings: [...(options.warnings ?? []), ...enhancementWarnings],
      createdAt: new Date(now),
      backstopAt: null as Date | null,
    };
    // A job no client waits for is submitted inline too while there is room (ADR 0024): its
    // queue message is then only the backstop due time, and pg-boss is off its path.
    const inlined =
      inline.acceptsInline &&
      Boolean(options.inline || this.options.admission.roomToSubmitInline());
    // The backstop fires only after an inline submission could have finished (provider timeout).
    if (inlined) generation.backstopAt = new Date(now + limits.providerCallTimeoutMs + 30_000);
    const { apiKeyId, maxConcurrentJobs } = options.access ?? {};
    // Checked in the transaction that stores the job, so instances cannot overshoot together.
    const claim = apiKeyId && maxConcurrentJobs ? { apiKeyId, maxConcurrentJobs } : undefined;
    // Refused before anything is stored, so an `overloaded` 503 is always safe to retry.
    if (options.inline) this.options.admission.reserve(generation.id, inlined);
    // Routed now and its first attempt stored with the job: the inline submission then starts
    // with the provider call, one write fewer (ADR 0010).
    const planned = inlined
      ? planSubmission(this.options.router, request, generation.id)
      : undefined;
    const inserted = await writer.insert(generation, claim, firstAttemptOf(planned));
    if (!inserted && idempotencyKey && requestHash) {
      // Lost a race with a concurrent request carrying the same key.
      const replay = await this.replay(idempotencyKey, requestHash);
      if (replay) return { job: replay, created: false };
    }
    this.options.observer.jobCreated({
      jobId: generation.id,
      model: request.model,
      user: request.user,
    });
    const job = jobFromRow(newGenerationRow(generation));
    // Held before the submission starts; kept a minute past the deadline, for the last poll.
    if (options.providerKey !== undefined)
      this.options.callerKeys.put(
        job.id,
        options.providerKey,
        generation.deadlineAt.getTime() + 60_000,
      );
    // Should the workers have stopped meanwhile, the job is not taken and its backstop submits it.
    if (inlined && !inline.submitInline(job, planned) && planned) {
      // Never sent: the backstop must not take the stored attempt for an interrupted submission.
      void this.options.repository
        .failAttempt(this.options.database, planned.attemptId, {
          code: 'submission_lost',
          message: 'The workers stopped before this submission was sent.',
        })
        .catch(() => undefined);
    }
    this.options.copier?.offer(job);
    return { job, created: true };
  }

  /**
   * A caller's key can only serve a job pinned to one provider and submitted by this process,
   * which is the only one holding the key.
   */
  private checkCallerKeyPossible(request: GenerationRequest, options: CreateOptions): void {
    if (!request.provider)
      throw new ValidationError('A per-request provider key needs a provider pin.', {
        parameter: 'provider',
      });
    if (!options.inline || !this.options.inline.acceptsInline)
      throw new ServiceUnavailableError(
        'request_key_unavailable',
        'This gateway instance runs no workers, so it cannot use a per-request provider key (only the instance that accepts the request holds it); send the request to an instance with workers.',
      );
  }

  /** A draft with its style preset applied (what `create` routes; estimates use it too). */
  styled(draft: StyledDraft): GenerationRequestDraft {
    return applyStylePreset(this.options.instances, this.options.stylePresets, draft);
  }

  /** Output bytes of jobs a request here waits for, handed over by the completion. */
  get outputBytes(): OutputHandoff {
    return this.options.events.outputBytes;
  }

  /** The gateway style presets by name. */
  get stylePresets(): Readonly<Record<string, StylePreset>> {
    return this.options.stylePresets;
  }

  /** Which provider would enhance prompts for a request routed like `plan`, if any. */
  enhancerFor(plan: Parameters<PromptEnhancer['pick']>[0]): string | undefined {
    return this.options.enhancer.pick(plan)?.id;
  }

  /**
   * A job; another tenant's job is as unknown as a missing one (404, never 403), and so is a
   * rollout's shadow copy, which no client ever sees (the admin rollout routes show them).
   */
  async get(id: string, access?: Access): Promise<Job> {
    const job = /^gen_[0-9a-z]{26}$/.test(id) ? await this.options.repository.get(id) : undefined;
    if (!job || job.request.shadow || !ownedBy(job, access))
      throw new NotFoundError('generation', id);
    return job;
  }

  async list(
    query: {
      user?: string;
      status?: JobStatus;
      kind?: GenerationKind;
      limit: number;
      cursor?: string;
      /** Newest first (the default); oldest first pages forward from the cursor. */
      order?: 'asc' | 'desc';
    },
    access?: Access,
  ): Promise<JobPage> {
    const from = query.cursor ? Buffer.from(query.cursor, 'base64url').toString('utf8') : undefined;
    if (from !== undefined && !/^gen_[0-9a-z]{26}$/.test(from)) {
      throw new ValidationError('cursor is not valid; pass the next_cursor of a previous page.', {
        parameter: 'cursor',
      });
    }
    const jobs = await this.options.repository.list({
      tenantId: access?.tenantId,
      user: query.user,
      status: query.status,
      kind: query.kind,
      limit: query.limit + 1,
      order: query.order,
      ...(query.order === 'asc' ? { after: from } : { before: from }),
    });
    const page = jobs.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      jobs: page,
      nextCursor:
        jobs.length > query.limit && last ? Buffer.from(last.id).toString('base64url') : null,
    };
  }

  /**
   * Deletes an ended job (OpenAI's `videos.delete`) and returns it, so the caller can delete its
   * output files; its ledger entries stay. An unfinished job must be canceled first, so no
   * worker writes to a deleted row.
   */
  async delete(id: string, access?: Access): Promise<Job> {
    const job = await this.get(id, access);
    if (!isTerminal(job.status)) {
      throw new ConflictError('job_not_ended', `Job ${id} is ${job.status}; cancel it first.`, {
        status: job.status,
      });
    }
    await this.options.repository.delete(id);
    return job;
  }

  /** Cancels an unfinished job, and the provider's work when the provider supports it. */
  async cancel(id: string, access?: Access): Promise<Job> {
    const job = await this.get(id, access);
    if (isTerminal(job.status)) {
      throw new ConflictError('job_not_cancelable', `Job ${id} already ${job.status}.`, {
        status: job.status,
      });
    }
    const ended = await finishJob(this.options, job, JobStatus.canceled, null);
    if (ended) await this.cancelAtProvider(job);
    return this.get(id);
  }

  /**
   * Resolves when the job is terminal (or in a state `until` accepts) or `timeoutMs` passed,
   * with the job as it is then. `created` is the job `create` just stored for this caller, passed
   * in the same synchronous run (no I/O between): its state is then known and not read again.
   */
  async wait(
    id: string,
    timeoutMs: number,
    access?: Access,
    until: (status: JobStatus) => boolean = isTerminal,
    created?: Job,
  ): Promise<Job> {
    if (created && (timeoutMs <= 0 || until(created.status))) return created;
    if (!created && (timeoutMs <= 0 || access?.tenantId)) {
      // A tenant's wait starts with an owned read, so another tenant's id answers 404 at once.
      const job = await this.get(id, access);
      if (timeoutMs <= 0 || until(job.status)) return job;
    }
    return waitForChange({
      id,
      timeoutMs,
      until,
      created,
      events: this.options.events,
      repository: this.options.repository,
      shutdown: this.options.shutdown,
      leave: this.options.admission.enter(id),
      read: () => this.get(id),
    });
  }

  private async replay(key: string, requestHash: string): Promise<Job | undefined> {
    const existing = await this.options.repository.findByIdempotencyKey(key);
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request body.',
        { idempotency_key: key, job_id: existing.id },
      );
    }
    return this.get(existing.id);
  }

  /** 403 `model_not_allowed` when the caller's key lists models and this is none of them. */
  private checkModelAllowed(asked: string, resolved: string, access: Access | undefined): void {
    const allowed = access?.models;
    if (!allowed || allowed.includes(asked) || allowed.includes(resolved)) return;
    throw new ForbiddenError('model_not_allowed', `This API key may not use model '${resolved}'.`, {
      model: resolved,
      allowed,
    });
  }

  /** Routes once at creation so that impossible requests fail with a 4xx before being stored. */
  private planOrThrow(request: GenerationRequest) {
    const plan = this.options.router.plan(request, { dryRun: true });
    if (plan.candidates.length > 0) return plan;
    // The catalog's own reason (an unsupported parameter, say) says more than "none can".
    if (plan.capabilityError) throw plan.capabilityError;
    throw new ServiceUnavailableError(
      'no_capable_provider',
      `No enabled provider can serve model '${request.model}' right now.`,
      { rejected: plan.rejected },
    );
  }

  private async cancelAtProvider(job: Job): Promise<void> {
    const attempts = await this.options.repository.attempts(job.id);
    const active = attempts.findLast((attempt) => attempt.operation !== null);
    const adapter = active ? this.options.instances.adapter(active.provider) : undefined;
    if (!active?.operation || !adapter?.cancel) return;
    // A job on a caller's key is canceled with that key, or not at all (never the operator's).
    const apiKey = this.options.callerKeys.keyFor(job);
    if (apiKey === null) return;
    try {
      await callWithTimeout(active.provider, 10_000, this.options.shutdown, (signal) =>
        adapter.cancel!(active.operation!, apiKey === undefined ? { signal } : { signal, apiKey }),
      );
    } catch (error) {
      this.options.logger.warn(
        { jobId: job.id, error: (error as Error).message },
        'cancel at provider failed',
      );
    }
  }
}
