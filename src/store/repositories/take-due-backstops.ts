import { isTerminal, type JobStatus } from '../../core/job.js';
import type { Queryable } from '../database.js';

/**
 * Claims the jobs whose backstop came due by `now` (ADR 0022): clears their `backstop_at` and
 * returns those still unfinished, for the caller to queue in the same transaction, so a crash
 * between the two can neither lose a backstop nor fire it twice. `SKIP LOCKED` lets instances
 * sweep at once without waiting for each other; finished jobs whose backstop was never cleared
 * (ended by a path other than success) only leave the index.
 */
export async function takeDueBackstops(
  executor: Queryable,
  now: Date,
  limit: number,
): Promise<string[]> {
  const { rows } = await executor.query<{ id: string; status: JobStatus }>(
    `UPDATE generations g SET backstop_at = NULL
       FROM (SELECT id FROM generations WHERE backstop_at <= $1
              ORDER BY backstop_at LIMIT $2 FOR UPDATE SKIP LOCKED) due
      WHERE g.id = due.id
      RETURNING g.id, g.status`,
    [now.toISOString(), limit],
  );
  return rows.filter((row) => !isTerminal(row.status)).map((row) => row.id);
}
