import { RateLimitCode, RateLimitedError } from '../core/errors/index.js';
import type { Database } from '../store/database.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { NewGeneration } from '../store/repositories/generation-rows.js';
import type { JobQueue } from './job-queue.js';
import {
  refuseOverConcurrencyLimit,
  type ConcurrencyClaim,
  type ConcurrencyRefusal,
} from './refuse-over-concurrency-limit.js';

interface PendingInsert {
  generation: NewGeneration & { createdAt: Date };
  /** Delay of the submit message (a backstop when the work starts inline). */
  submitDelayMs: number;
  /** Set when the job's key limits its unfinished jobs: checked in the inserting transaction. */
  claim?: ConcurrencyClaim;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

export interface BatchedJobWriterOptions {
  /** Most jobs written in one transaction. */
  maxBatch?: number;
  /**
   * `Retry-After` of a job refused for its key's concurrency limit. Nobody knows when one of the
   * key's jobs will finish, so this is a polite guess, not a promise.
   */
  concurrencyRetryAfterMs?: number;
}

interface WriteOutcome {
  stored: Set<string>;
  refused: Map<PendingInsert, ConcurrencyRefusal>;
}

/**
 * Writes new jobs and their submit messages in shared transactions: while one transaction is
 * committing, the jobs that arrive queue up and go together in the next. One commit (one WAL
 * flush) then serves many clients, which is what lets job creation keep up at high rates
 * without giving up durability — each client still hears 202 only after its job committed.
 */
export class BatchedJobWriter {
  private pending: PendingInsert[] = [];
  private writing = false;

  constructor(
    private readonly database: Database,
    private readonly repository: GenerationRepository,
    private readonly queue: JobQueue,
    private readonly options: BatchedJobWriterOptions = {},
  ) {}

  /**
   * Resolves true once stored, false when the idempotency key already existed; rejects with 429
   * `concurrency_limit` when `claim` is given and its key has no slot left.
   */
  insert(
    generation: NewGeneration & { createdAt: Date },
    submitDelayMs = 0,
    claim?: ConcurrencyClaim,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ generation, submitDelayMs, claim, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, this.options.maxBatch ?? 200);
        try {
          const outcome = await this.write(batch);
          for (const entry of batch) this.settle(entry, outcome);
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One bad row must not fail its neighbours: retry them one by one.
          for (const entry of batch) {
            try {
              this.settle(entry, await this.write([entry]));
            } catch (single) {
              entry.reject(single);
            }
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private settle(entry: PendingInsert, outcome: WriteOutcome): void {
    const refusal = outcome.refused.get(entry);
    if (!refusal) return entry.resolve(outcome.stored.has(entry.generation.id));
    entry.reject(
      new RateLimitedError(
        RateLimitCode.concurrencyLimit,
        `This API key has ${refusal.active} unfinished jobs, as many as it may have at once (${refusal.limit}); try again when one has finished.`,
        this.options.concurrencyRetryAfterMs ?? 5000,
        { limit: refusal.limit, active: refusal.active },
      ),
    );
  }

  /** Wakes the submit workers after the commit, unless every job's work started inline. */
  private write(entries: readonly PendingInsert[]): Promise<WriteOutcome> {
    return this.queue.transaction(this.database, async (transaction) => {
      const refused = await refuseOverConcurrencyLimit(
        transaction,
        entries,
        (entry) => entry.claim,
      );
      const stored = await this.repository.insertMany(
        entries.filter((entry) => !refused.has(entry)).map((entry) => entry.generation),
        transaction,
      );
      const messages = entries
        .filter((entry) => stored.has(entry.generation.id))
        .map((entry) => ({ jobId: entry.generation.id, startAfterMs: entry.submitDelayMs }));
      await transaction.sendSubmits(messages);
      return { stored, refused };
    });
  }
}
