import { createHash } from 'node:crypto';
import { createId } from '../core/create-id.js';
import {
  ConflictError,
  GatewayError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../core/errors/index.js';
import { resolveRequestForOffering } from '../catalog/resolve-request-for-offering.js';
import type { GenerationRequest, GenerationTask } from '../core/generation-request.js';
import { isTerminal, type Job, type JobStatus } from '../core/job.js';
import type { SsrfGuard } from '../security/ssrf-guard.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import { finishJob } from './finish-job.js';
import type { JobEngineContext } from './job-engine-context.js';

/** A request as the HTTP layer hands it over: kind, task and defaults not yet inferred. */
export type GenerationRequestDraft = Omit<
  GenerationRequest,
  'kind' | 'task' | 'n' | 'inputImages' | 'allowResubmit'
> &
  Partial<Pick<GenerationRequest, 'kind' | 'task' | 'n' | 'inputImages' | 'allowResubmit'>>;

export interface CreateOptions {
  idempotencyKey?: string;
  regeneratedFrom?: string;
  /**
   * The caller will wait for the result: submit in this process right away instead of through
   * the queue (which keeps a delayed message as a backstop should this process die).
   */
  inline?: boolean;
}

/** A page of jobs, newest first. */
export interface JobPage {
  jobs: Job[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
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
  constructor(
    private readonly context: JobEngineContext,
    private readonly webhookGuard: SsrfGuard,
  ) {}

  async create(
    draft: GenerationRequestDraft,
    options: CreateOptions = {},
  ): Promise<{ job: Job; created: boolean }> {
    const { context } = this;
    const requestHash = createHash('sha256').update(stableStringify(draft)).digest('hex');
    if (options.idempotencyKey) {
      const replay = await this.replay(options.idempotencyKey, requestHash);
      if (replay) return { job: replay, created: false };
    }
    const request = this.normalize(draft);
    if (request.webhookUrl) this.webhookGuard.checkUrl(request.webhookUrl);
    await context.images.validate(request.inputImages, 'input_images');
    if (request.mask) await context.images.validate([request.mask], 'mask');
    const plan = this.planOrThrow(request);
    request.inputImages = await context.images.storeInlineImages(
      request.inputImages,
      'input_images',
    );
    if (request.mask)
      [request.mask] = await context.images.storeInlineImages([request.mask], 'mask');

    const id = createId('gen');
    const now = context.now();
    const deadlineAt = new Date(
      now + (request.timeoutSeconds ?? context.jobsConfig.defaultTimeoutSeconds) * 1000,
    );
    const generation = {
      id,
      request,
      estimatedCostUsd: plan.candidates[0]?.estimatedCostUsd ?? null,
      idempotencyKey: options.idempotencyKey ?? null,
      requestHash,
      deadlineAt,
      regeneratedFrom: options.regeneratedFrom ?? null,
      createdAt: new Date(now),
    };
    const inline = Boolean(options.inline && context.inlineSubmit);
    // The backstop fires only after an inline submission could have finished (provider timeout).
    const backstopMs = inline ? context.jobsConfig.providerCallTimeoutMs + 30_000 : 0;
    const inserted = await context.writer.insert(generation, backstopMs);
    if (!inserted && options.idempotencyKey) {
      // Lost a race with a concurrent request carrying the same key.
      const replay = await this.replay(options.idempotencyKey, requestHash);
      if (replay) return { job: replay, created: false };
    }
    if (!inline) context.queue.notify('generation-submit');
    context.observer.jobCreated({ jobId: id, model: request.model, user: request.user });
    // The job as just stored; reading it back would cost a round trip per request.
    const job: Job = {
      id,
      status: 'queued',
      request,
      provider: null,
      attempts: [],
      outputs: [],
      cost: { estimatedUsd: generation.estimatedCostUsd, actualUsd: null },
      error: null,
      warnings: [],
      progress: null,
      createdAt: generation.createdAt,
      updatedAt: generation.createdAt,
      submittedAt: null,
      startedAt: null,
      completedAt: null,
      deadlineAt,
      idempotencyKey: generation.idempotencyKey,
      webhook: request.webhookUrl
        ? { url: request.webhookUrl, status: 'pending', deliveries: [] }
        : null,
      regeneratedFrom: generation.regeneratedFrom,
    };
    if (inline) context.inlineSubmit!(job);
    return { job, created: true };
  }

  async get(id: string): Promise<Job> {
    const job = /^gen_[0-9a-z]{26}$/.test(id) ? await this.context.repository.get(id) : undefined;
    if (!job) throw new NotFoundError('generation', id);
    return job;
  }

  async list(query: {
    user?: string;
    status?: JobStatus;
    limit: number;
    cursor?: string;
  }): Promise<JobPage> {
    const before = query.cursor
      ? Buffer.from(query.cursor, 'base64url').toString('utf8')
      : undefined;
    if (before !== undefined && !/^gen_[0-9a-z]{26}$/.test(before)) {
      throw new ValidationError('cursor is not valid; pass the next_cursor of a previous page.', {
        parameter: 'cursor',
      });
    }
    const jobs = await this.context.repository.list({
      user: query.user,
      status: query.status,
      limit: query.limit + 1,
      before,
    });
    const page = jobs.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      jobs: page,
      nextCursor:
        jobs.length > query.limit && last ? Buffer.from(last.id).toString('base64url') : null,
    };
  }

  /** Cancels an unfinished job, and the provider's work when the provider supports it. */
  async cancel(id: string): Promise<Job> {
    const job = await this.get(id);
    if (isTerminal(job.status)) {
      throw new ConflictError('job_not_cancelable', `Job ${id} already ${job.status}.`, {
        status: job.status,
      });
    }
    const ended = await finishJob(this.context, job, 'canceled', null);
    if (ended) await this.cancelAtProvider(job);
    return this.get(id);
  }

  /** Resolves when the job is terminal or `timeoutMs` passed, with the job as it is then. */
  async wait(id: string, timeoutMs: number): Promise<Job> {
    if (timeoutMs <= 0) return this.get(id);
    return new Promise<Job>((resolve, reject) => {
      let settled = false;
      const cleanUp = () => {
        unsubscribe();
        this.context.shutdown.removeEventListener('abort', onTimeout);
        clearTimeout(deadline);
        clearInterval(backstop);
      };
      /** Ends the wait with `job`, or with a fresh read when none is at hand. */
      const settle = (job?: Job) => {
        if (settled) return;
        settled = true;
        cleanUp();
        if (job) resolve(job);
        else this.get(id).then(resolve, reject);
      };
      const onTimeout = () => settle();
      const settleIfTerminal = (status: JobStatus | undefined) => {
        if (status === undefined) {
          settled = true;
          cleanUp();
          reject(new NotFoundError('generation', id));
        } else if (isTerminal(status)) settle();
      };
      // Subscribe before the first read, so a change in between cannot be missed.
      const unsubscribe = this.context.events.subscribe(id, (change) => {
        if (isTerminal(change.status)) settle();
      });
      const deadline = setTimeout(onTimeout, timeoutMs);
      // Shutdown answers held requests with the job as it is, so the server can close.
      this.context.shutdown.addEventListener('abort', onTimeout, { once: true });
      // A missed notification (connection blip) must not hold a request until its deadline.
      const backstop = setInterval(() => {
        this.context.repository.status(id).then(
          (status) => status && isTerminal(status) && settle(),
          () => undefined,
        );
      }, 2000);
      // A status-only read: the whole job is read once, when the wait ends.
      const checkNow = /^gen_[0-9a-z]{26}$/.test(id)
        ? this.context.repository.status(id)
        : Promise.resolve(undefined);
      checkNow.then(
        (status) => {
          if (!settled) settleIfTerminal(status);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          cleanUp();
          reject(error);
        },
      );
    });
  }

  private async replay(key: string, requestHash: string): Promise<Job | undefined> {
    const existing = await this.context.repository.findByIdempotencyKey(key);
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

  private normalize(input: GenerationRequestDraft): GenerationRequest {
    const draft = {
      ...input,
      model: this.context.instances.resolveModelKey(input.model) ?? input.model,
    };
    const offerings = this.context.instances.offeringsFor(draft.model);
    if (offerings.length === 0) {
      const available = [
        ...new Set(
          this.context.instances
            .list()
            .flatMap((instance) => instance.adapter.models.map((model) => model.modelKey)),
        ),
      ].sort();
      throw new ValidationError(
        `Unknown model '${draft.model}'. See GET /v1/models.`,
        { parameter: 'model', available },
        'unknown_model',
      );
    }
    const kind = offerings[0]!.offering.kind;
    if (draft.kind && draft.kind !== kind) {
      throw new ValidationError(`Model '${draft.model}' generates ${kind}, not ${draft.kind}.`, {
        parameter: 'kind',
      });
    }
    const inputImages = draft.inputImages ?? [];
    const inferred: GenerationTask =
      kind === 'image'
        ? draft.mask
          ? 'inpaint'
          : inputImages.length
            ? 'image-to-image'
            : 'text-to-image'
        : inputImages.length
          ? 'image-to-video'
          : 'text-to-video';
    const task = draft.task ?? inferred;
    const taskKind = task.endsWith('video') ? 'video' : 'image';
    if (taskKind !== kind)
      throw new ValidationError(`Task '${task}' does not match model '${draft.model}' (${kind}).`, {
        parameter: 'task',
      });
    if (task === 'text-to-image' || task === 'text-to-video') {
      if (inputImages.length || draft.mask)
        throw new ValidationError(`Task '${task}' takes no input images; use image-to-${kind}.`, {
          parameter: 'input_images',
        });
    } else if (inputImages.length === 0) {
      throw new ValidationError(`Task '${task}' needs at least one input image.`, {
        parameter: 'input_images',
      });
    }
    if (task === 'inpaint' && !draft.mask)
      throw new ValidationError('Inpainting needs a mask.', { parameter: 'mask' });
    if (task !== 'inpaint' && draft.mask)
      throw new ValidationError('A mask is only used for inpainting.', { parameter: 'mask' });
    if (draft.provider) {
      const instance = this.context.instances.get(draft.provider);
      if (!instance)
        throw new ValidationError(
          `Unknown provider '${draft.provider}'.`,
          { parameter: 'provider' },
          'unknown_provider',
        );
      if (!instance.enabled) {
        throw new GatewayError({
          code: 'provider_disabled',
          message: `Provider '${draft.provider}' is disabled.`,
          httpStatus: 403,
          details: { provider: draft.provider },
        });
      }
      if (!offerings.some((entry) => entry.instance.adapter.id === draft.provider)) {
        throw new ValidationError(
          `Provider '${draft.provider}' does not serve model '${draft.model}'.`,
          { parameter: 'provider' },
          'model_not_served',
        );
      }
    }
    return {
      ...draft,
      kind,
      task,
      inputImages,
      n: draft.n ?? 1,
      allowResubmit: draft.allowResubmit ?? false,
    };
  }

  /** Routes once at creation so that impossible requests fail with a 4xx before being stored. */
  private planOrThrow(request: GenerationRequest) {
    const plan = this.context.router.plan(request, { dryRun: true });
    if (plan.candidates.length > 0) return plan;
    // Report why with the typed error of the first capable-looking provider.
    for (const { instance, offering } of this.context.instances.offeringsFor(request.model)) {
      if (request.provider && instance.adapter.id !== request.provider) continue;
      resolveRequestForOffering(request, offering);
    }
    throw new ServiceUnavailableError(
      'no_capable_provider',
      `No enabled provider can serve model '${request.model}' right now.`,
      { rejected: plan.rejected },
    );
  }

  private async cancelAtProvider(job: Job): Promise<void> {
    const attempts = await this.context.repository.attempts(job.id);
    const active = attempts.findLast((attempt) => attempt.operation !== null);
    const adapter = active ? this.context.instances.adapter(active.provider) : undefined;
    if (!active?.operation || !adapter?.cancel) return;
    try {
      await callWithTimeout(active.provider, 10_000, this.context.shutdown, (signal) =>
        adapter.cancel!(active.operation!, { signal }),
      );
    } catch (error) {
      this.context.logger.warn(
        { jobId: job.id, error: (error as Error).message },
        'cancel at provider failed',
      );
    }
  }
}
