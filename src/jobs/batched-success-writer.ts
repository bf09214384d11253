import { JobStatus, type Job } from '../core/job.js';
import type { Database } from '../store/database.js';
import { GroupCommit } from '../store/group-commit.js';
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
  private readonly commits: GroupCommit<PendingSuccess, Job | undefined>;

  constructor(private readonly options: BatchedSuccessWriterOptions) {
    this.commits = new GroupCommit(async (entries) => {
      const outcomes = await this.store(entries);
      return entries.map((entry) => outcomes.get(entry.job.id)?.job);
    }, options.maxBatch);
  }

  /**
   * Resolves with the job as stored once committed, or undefined when the job was no longer
   * queued (canceled meanwhile): its files' rows were then not stored.
   */
  write(job: Job, success: ImmediateSuccess): Promise<Job | undefined> {
    return this.commits.submit({ job, success });
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
