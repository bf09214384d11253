import type { Database } from '../store/database.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { NewGeneration } from '../store/repositories/generation-rows.js';
import type { JobQueue } from './job-queue.js';

interface PendingInsert {
  generation: NewGeneration & { createdAt: Date };
  /** Delay of the submit message (a backstop when the work starts inline). */
  submitDelayMs: number;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
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
    private readonly maxBatch = 200,
  ) {}

  /** Resolves true once stored, false when the idempotency key already existed. */
  insert(generation: NewGeneration & { createdAt: Date }, submitDelayMs = 0): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ generation, submitDelayMs, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const stored = await this.write(batch);
          for (const entry of batch) entry.resolve(stored.has(entry.generation.id));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One bad row must not fail its neighbours: retry them one by one.
          for (const entry of batch) {
            try {
              entry.resolve((await this.write([entry])).has(entry.generation.id));
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

  /** Wakes the submit workers after the commit, unless every job's work started inline. */
  private write(entries: readonly PendingInsert[]): Promise<Set<string>> {
    return this.queue.transaction(this.database, async (transaction) => {
      const stored = await this.repository.insertMany(
        entries.map((entry) => entry.generation),
        transaction,
      );
      const messages = entries
        .filter((entry) => stored.has(entry.generation.id))
        .map((entry) => ({ jobId: entry.generation.id, startAfterMs: entry.submitDelayMs }));
      await transaction.sendSubmits(messages);
      return stored;
    });
  }
}
