import type { Database } from '../store/database.js';
import { GroupCommit } from '../store/group-commit.js';
import { insertAttempts } from '../store/repositories/insert-attempts.js';
import type { FirstAttempt } from '../store/repositories/insert-first-attempts.js';
import {
  markSubmittedBatch,
  type SubmittedAttempt,
} from '../store/repositories/mark-submitted-batch.js';
import type { JobQueue, ScheduledPoll } from './job-queue.js';

/** One job's acceptance by an asynchronous provider. */
export interface AcceptedSubmission {
  attempt: SubmittedAttempt;
  /** Its first poll, due from the acceptance's commit when the job still was queued. */
  poll?: ScheduledPoll;
}

export interface BatchedAcceptanceWriterOptions {
  /** The workers' pool. */
  database: Database;
  /** Woken for the first polls once they are committed. */
  queue: JobQueue;
  /** Most jobs per write. */
  maxBatch?: number;
}

/**
 * The submit path's two writes, shared between the submissions running at once (group commit,
 * as job creation does): the attempt rows stored before their provider calls, and the
 * acceptances (job and attempt `submitted`, first poll due time) stored after them, each one
 * autocommitted statement. Each
 * submission still waits for its own row to commit: the attempt exists before the provider is
 * called, and the job is never `submitted` without its first poll, nor the poll sent for a job
 * that was not (ADR 0016).
 */
export class BatchedAcceptanceWriter {
  private readonly attempts: GroupCommit<FirstAttempt, number>;
  private readonly acceptances: GroupCommit<AcceptedSubmission, boolean>;

  constructor(options: BatchedAcceptanceWriterOptions) {
    const { database, queue, maxBatch } = options;
    // One statement, its own commit: no transaction round trips around it.
    this.attempts = new GroupCommit((attempts) => insertAttempts(database, attempts), maxBatch);
    this.acceptances = new GroupCommit(async (acceptances) => {
      const now = Date.now();
      const queued = await markSubmittedBatch(
        database,
        acceptances.map((acceptance) => ({
          attempt: acceptance.attempt,
          ...(acceptance.poll
            ? {
                firstPoll: {
                  poll: acceptance.poll.message.poll,
                  dueAt: new Date(now + acceptance.poll.startAfterMs),
                },
              }
            : {}),
        })),
      );
      const accepted = acceptances.map((acceptance) => queued.has(acceptance.attempt.generationId));
      queue.pollsScheduled(
        acceptances.flatMap((acceptance, index) =>
          acceptance.poll && accepted[index] ? [acceptance.poll.startAfterMs] : [],
        ),
      );
      return accepted;
    }, maxBatch);
  }

  /** Stores a `submitting` attempt; resolves with its `seq` once committed. */
  insertAttempt(attempt: FirstAttempt): Promise<number> {
    return this.attempts.submit(attempt);
  }

  /**
   * Stores an acceptance (and its first poll); resolves true once committed, false when the job
   * was no longer queued (canceled meanwhile: no poll was sent).
   */
  accept(acceptance: AcceptedSubmission): Promise<boolean> {
    return this.acceptances.submit(acceptance);
  }
}
