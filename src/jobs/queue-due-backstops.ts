import type { Database } from '../store/database.js';
import { takeDueBackstops } from '../store/repositories/take-due-backstops.js';
import type { JobQueue } from './job-queue.js';

/**
 * Queues the jobs of `database` whose inline submission's backstop came due by `now`
 * (ADR 0022), taking them off the job rows in the same transaction; returns how many it queued.
 */
export async function queueDueBackstops(
  queue: JobQueue,
  database: Database,
  now: Date,
  limit = 500,
): Promise<number> {
  return queue.transaction(database, async (transaction) => {
    const due = await takeDueBackstops(transaction, now, limit);
    await transaction.sendSubmits(due.map((jobId) => ({ jobId, backstop: true })));
    return due.length;
  });
}
