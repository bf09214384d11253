import { JobStatus, type Job } from '../core/job.js';
import type { Database } from '../store/database.js';
import { releaseOnEnd } from '../store/repositories/ledger-repository.js';
import {
  markSubmittedAndSucceeded,
  type ImmediateSuccess,
  type ImmediateSuccessOutcome,
} from '../store/repositories/mark-submitted-and-succeeded.js';
import type { JobEvents } from './job-events.js';
import type { JobQueue } from './job-queue.js';

interface PendingSuccess {
  success: ImmediateSuccess;
  /** The job as accepted: whether it has a tenant to settle and a webhook to queue. */
  job: Job;
  resolve: (job: Job | undefined) => void;
  reject: (error: unknown) => void;
}

export interface BatchedSuccessWriterOptions {
  database: Database;
  queue: JobQueue;
  /** Whose NOTIFY wakes other instances' waiters. */
  events: JobEvents;
  /** Most jobs per statement. */
  maxBatch?: number;
}

/**
 * Stores synchronous providers' answers (job submitted and succeeded, attempt, output rows,
 * NOTIFY) for many jobs at once: while one write is committing, the answers that arrive queue up
 * and go together in the next, in one statement. Each caller still hears of its job only after
 * the commit. A batch without tenants or webhooks is that one statement and its own commit; the
 * others add settlement and webhook messages in the same transaction.
 */
export class BatchedSuccessWriter {
  private pending: PendingSuccess[] = [];
  private writing = false;

  constructor(private readonly options: BatchedSuccessWriterOptions) {}

  /**
   * Resolves with the job as stored once committed, or undefined when the job was no longer
   * queued (canceled meanwhile): its files' rows were then not stored.
   */
  write(job: Job, success: ImmediateSuccess): Promise<Job | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ success, job, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, this.options.maxBatch ?? 200);
        try {
          this.settle(batch, await this.store(batch));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One bad row must not fail its neighbours: retry them one by one.
          for (const entry of batch) {
            try {
              this.settle([entry], await this.store([entry]));
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

  private settle(
    entries: readonly PendingSuccess[],
    outcomes: Map<string, ImmediateSuccessOutcome>,
  ): void {
    for (const entry of entries) entry.resolve(outcomes.get(entry.job.id)?.job);
  }

  private store(entries: readonly PendingSuccess[]): Promise<Map<string, ImmediateSuccessOutcome>> {
    const { database, queue, events } = this.options;
    const successes = entries.map((entry) => entry.success);
    const notify = events.notification(JobStatus.succeeded);
    // Nothing to add in a transaction: the statement commits on its own (one round trip).
    if (entries.every((entry) => !entry.job.tenantId && !entry.job.webhook))
      return markSubmittedAndSucceeded(database, successes, notify);
    return queue.transaction(database, async (transaction) => {
      const outcomes = await markSubmittedAndSucceeded(transaction, successes, notify);
      for (const entry of entries) {
        const outcome = outcomes.get(entry.job.id);
        if (!outcome) continue;
        // Settled in the transaction that ends the job, as `markSucceeded` does.
        await releaseOnEnd(transaction, entry.job.id, outcome.ended, 'settlement');
        if (entry.job.webhook) await transaction.sendWebhook({ jobId: entry.job.id });
      }
      return outcomes;
    });
  }
}
