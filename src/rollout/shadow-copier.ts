import type { GenerationRequest } from '../core/generation-request.js';
import type { JobCopier } from '../core/job-copier.js';
import type { Job } from '../core/job.js';
import { RolloutKind } from '../core/rollout-plan.js';
import type { ShadowJobWriter } from '../jobs/shadow-job-writer.js';
import type { Logger } from '../observability/logger.js';
import { inShadowStage, type Rollout, type RolloutStore } from './rollout-store.js';

export interface ShadowCopierOptions {
  store: RolloutStore;
  writer: ShadowJobWriter;
  logger: Logger;
  /** The sampling draw in [0, 1); tests inject a seeded one. */
  random?: () => number;
  /** How long the list of rollouts in a shadow stage is reused before it is read again. */
  refreshMs?: number;
}

/**
 * The shadow stage's tap on job creation (ADR 0017): for a sampled fraction of the client jobs
 * in a shadowing rollout's scope, reserves the copy's estimate of the shadow budget (atomically
 * on the rollout row) and stores a shadow job pinned to the canary. Everything runs after the
 * client's job was accepted and off its path: a waiting client is never held by a copy, and a
 * copy that cannot be made is logged, never reported to the client.
 */
export class ShadowCopier implements JobCopier {
  private readonly random: () => number;
  private readonly refreshMs: number;
  private cached: { at: number; rollouts: Promise<Rollout[]> } | undefined;
  /** Rollouts whose budget this instance saw refused, skipped before the next read. */
  private readonly spent = new Set<string>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: ShadowCopierOptions) {
    this.random = options.random ?? Math.random;
    this.refreshMs = options.refreshMs ?? 1000;
  }

  offer(job: Job): void {
    // A copy is never copied, and a caller's own key serves its own job only (ADR 0009).
    if (job.request.shadow || job.request.callerKey) return;
    const copy = this.copy(job).catch((error: unknown) =>
      this.options.logger.warn(
        { jobId: job.id, error: (error as Error).message },
        'shadow copy failed',
      ),
    );
    this.pending.add(copy);
    void copy.finally(() => this.pending.delete(copy));
  }

  /** Resolves once every copy offered so far is stored or given up (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Reads the rollouts again at the next offer (a rollout started, changed stage or ended). */
  forget(): void {
    this.cached = undefined;
  }

  private async copy(job: Job): Promise<void> {
    const rollout = (await this.shadowing()).find(
      (candidate) => !this.spent.has(candidate.id) && covers(candidate, job.request),
    );
    const shadow = rollout?.plan.shadow;
    if (!rollout || !shadow || this.random() >= shadow.fraction) return;
    const prepared = this.options.writer.prepare(job, {
      rolloutId: rollout.id,
      kind: rollout.kind,
      canary: rollout.canary,
    });
    // The canary cannot serve this request (a size it lacks, say): nothing to compare.
    if (!prepared) return;
    const { store } = this.options;
    if (!(await store.reserveShadowCopy(rollout.id, prepared.estimatedCostUsd, shadow.budgetUsd))) {
      this.spent.add(rollout.id);
      return;
    }
    try {
      await this.options.writer.insert(prepared);
    } catch (error) {
      await store.releaseShadowCopy(rollout.id, prepared.estimatedCostUsd);
      throw error;
    }
  }

  /** Active rollouts in their shadow stage, read at most once per `refreshMs`. */
  private shadowing(): Promise<Rollout[]> {
    const now = performance.now();
    if (!this.cached || now - this.cached.at >= this.refreshMs) {
      const rollouts = this.options.store
        .live()
        .then((live) =>
          live.filter(
            (rollout) =>
              rollout.status === 'active' &&
              inShadowStage(rollout) &&
              rollout.shadowBudgetSpentAt === null,
          ),
        );
      // A failed read is retried at the next offer rather than cached.
      rollouts.catch(() => (this.cached = undefined));
      this.cached = { at: now, rollouts };
    }
    return this.cached.rollouts;
  }
}

/** Whether a client request is in the rollout's scope and would be split by it. */
function covers(rollout: Rollout, request: GenerationRequest): boolean {
  // A provider pin is outside every split; so is a request a model rollout already redirected.
  if (request.provider) return false;
  if (rollout.kind === RolloutKind.model)
    return request.model === rollout.baseline && request.requestedModel === undefined;
  return rollout.model === null || request.model === rollout.model;
}
