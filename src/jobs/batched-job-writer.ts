import { RateLimitCode, RateLimitedError, type GatewayError } from '../core/errors/index.js';
import type { Database, Queryable } from '../store/database.js';
import { GroupCommit } from '../store/group-commit.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { NewGeneration } from '../store/repositories/generation-rows.js';
import type { FirstAttempt } from '../store/repositories/insert-first-attempts.js';
import type { QuotaReserver, SoftLimitReached } from '../tenancy/quota-reserver.js';
import type { JobQueue } from './job-queue.js';
import {
  refuseOverConcurrencyLimit,
  type ConcurrencyClaim,
} from './refuse-over-concurrency-limit.js';

interface PendingInsert {
  /** With `backstopAt` set when its work starts inline: it then gets no submit message. */
  generation: NewGeneration & { createdAt: Date };
  /** The creating key's concurrency limit, when it has one. */
  claim?: ConcurrencyClaim;
  /** The job's first attempt, stored with it when the job was routed at creation. */
  firstAttempt?: Omit<FirstAttempt, 'generationId'>;
}

/** One job's part of a shared write: stored (false: its idempotency key existed) or refused. */
type InsertOutcome = { stored: boolean } | { refused: GatewayError };

/** What one shared transaction did. */
interface WriteResult {
  stored: Set<string>;
  /** Jobs refused for money (402) or the key's concurrency limit (429), with their error. */
  refused: Map<string, GatewayError>;
  softLimits: SoftLimitReached[];
}

export interface BatchedJobWriterOptions {
  /** Most jobs per transaction. */
  maxBatch?: number;
  /** Reserves tenant jobs' estimates in the same transaction; absent means no quotas. */
  quota?: QuotaReserver;
  /**
   * `Retry-After` of a job refused for its key's concurrency limit. Nobody knows when one of the
   * key's jobs will finish, so this is a polite guess, not a promise.
   */
  concurrencyRetryAfterMs?: number;
}

const byTenant = (left: PendingInsert, right: PendingInsert) =>
  (left.generation.tenantId ?? '').localeCompare(right.generation.tenantId ?? '');

/**
 * Writes new jobs and their submit messages in shared transactions (a {@link GroupCommit}):
 * while one transaction is committing, the jobs that arrive queue up and go together in the
 * next. One commit (one WAL flush) then serves many clients, which is what lets job creation
 * keep up at high rates without giving up durability — each client still hears 202 only after
 * its job committed.
 */
export class BatchedJobWriter {
  private readonly commits: GroupCommit<PendingInsert, InsertOutcome>;

  constructor(
    private readonly database: Database,
    private readonly repository: GenerationRepository,
    private readonly queue: JobQueue,
    private readonly options: BatchedJobWriterOptions = {},
  ) {
    this.commits = new GroupCommit(async (entries) => {
      const result = await this.write(entries);
      if (result.softLimits.length) this.options.quota?.alertSoftLimits(result.softLimits);
      return entries.map((entry) => {
        const refusal = result.refused.get(entry.generation.id);
        return refusal ? { refused: refusal } : { stored: result.stored.has(entry.generation.id) };
      });
    }, options.maxBatch);
  }

  /**
   * Resolves true once stored, false when the idempotency key already existed; rejects with
   * 402 when the tenant cannot pay for the job, and with 429 `concurrency_limit` when `claim` is
   * given and its key has no slot left. A job with `backstopAt` (its work starts inline) gets no
   * submit message: the job supervisor queues it at that time should it still be unfinished.
   */
  async insert(
    generation: NewGeneration & { createdAt: Date },
    claim?: ConcurrencyClaim,
    firstAttempt?: Omit<FirstAttempt, 'generationId'>,
  ): Promise<boolean> {
    const outcome = await this.commits.submit({ generation, claim, firstAttempt });
    if ('refused' in outcome) throw outcome.refused;
    return outcome.stored;
  }

  /**
   * Admits, reserves, stores and queues in one transaction, so a crash never leaves a
   * reservation without its job or a job without its reservation. Wakes the submit workers after
   * the commit, unless every job's work started inline.
   */
  private write(entries: readonly PendingInsert[]): Promise<WriteResult> {
    const { quota } = this.options;
    // Nothing to admit, reserve or queue (synchronous requests without quotas): the jobs and
    // their first attempts are one statement, committed on its own — one round trip, not four.
    const alone = entries.every(
      (entry) =>
        entry.generation.backstopAt && !entry.claim && !(quota && entry.generation.tenantId),
    );
    if (alone)
      return this.insertJobs(entries, this.database).then((stored) => ({
        stored,
        refused: new Map<string, GatewayError>(),
        softLimits: [],
      }));
    return this.queue.transaction(this.database, async (transaction) => {
      const refused = new Map<string, GatewayError>();
      // Keys' admission locks first, then tenant rows, each in sorted order: two instances'
      // batches take them in the same order and cannot deadlock.
      const overLimit = await refuseOverConcurrencyLimit(
        transaction,
        entries,
        (entry) => entry.claim,
      );
      for (const [entry, refusal] of overLimit)
        refused.set(
          entry.generation.id,
          new RateLimitedError(
            RateLimitCode.concurrencyLimit,
            `This API key has ${refusal.active} unfinished jobs, as many as it may have at once (${refusal.limit}); try again when one has finished.`,
            this.options.concurrencyRetryAfterMs ?? 5000,
            { limit: refusal.limit, active: refusal.active },
          ),
        );
      const softLimits: SoftLimitReached[] = [];
      const reserved: string[] = [];
      for (const entry of quota ? [...entries].sort(byTenant) : []) {
        const { generation } = entry;
        if (!generation.tenantId || refused.has(generation.id)) continue;
        const outcome = await quota!.reserve(transaction, {
          jobId: generation.id,
          tenantId: generation.tenantId,
          apiKeyId: generation.apiKeyId ?? null,
          amountUsd: generation.estimatedCostUsd ?? 0,
          model: generation.request.model,
          at: generation.createdAt,
        });
        if (outcome.status === 'refused') refused.set(generation.id, outcome.error);
        else {
          reserved.push(generation.id);
          softLimits.push(...outcome.softLimits);
        }
      }
      const accepted = entries.filter((entry) => !refused.has(entry.generation.id));
      const stored = await this.insertJobs(accepted, transaction);
      // An idempotent replay stores no job, so it holds no money either.
      for (const id of reserved)
        if (!stored.has(id)) await this.options.quota!.unreserve(transaction, id);
      const messages = accepted
        .filter((entry) => stored.has(entry.generation.id) && !entry.generation.backstopAt)
        .map((entry) => ({ jobId: entry.generation.id }));
      await transaction.sendSubmits(messages);
      return { stored, refused, softLimits };
    });
  }

  /** Each job with its first attempt, in one statement. */
  private async insertJobs(
    entries: readonly PendingInsert[],
    executor: Queryable,
  ): Promise<Set<string>> {
    if (entries.length === 0) return new Set<string>();
    return this.repository.insertMany(
      entries.map((entry) => entry.generation),
      executor,
      entries.flatMap((entry) =>
        entry.firstAttempt ? [{ ...entry.firstAttempt, generationId: entry.generation.id }] : [],
      ),
    );
  }
}
