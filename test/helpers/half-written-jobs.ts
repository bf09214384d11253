import type { Database } from '../../src/store/database.js';

const terminal = `('succeeded', 'failed', 'canceled')`;

/**
 * Rows a crash, a fault or a hostile request must never leave behind, each with the reason:
 * an unfinished job with no live queue message (nothing would ever finish it), a succeeded
 * job without its stored outputs, an attempt or an output of a job that does not exist.
 * Unfinished jobs are first given `settleMs` to finish, so work in flight is not counted.
 */
export async function findHalfWrittenJobs(
  database: Database,
  { queueSchema = 'pgboss', settleMs = 20_000 } = {},
): Promise<{ id: string; problem: string }[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const { rows } = await database.query<{ id: string; problem: string }>(
      `SELECT g.id, 'unfinished (' || g.status || ') with no live queue message' AS problem
         FROM generations g
        WHERE g.status NOT IN ${terminal}
          AND NOT EXISTS (SELECT 1 FROM ${queueSchema}.job j
                           WHERE j.data->>'jobId' = g.id AND j.state IN ('created', 'retry', 'active'))
       UNION ALL
       SELECT g.id, 'succeeded without an output' FROM generations g
        WHERE g.status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.generation_id = g.id)
       UNION ALL
       SELECT a.id, 'output of a missing job' FROM assets a
        WHERE a.generation_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.id = a.generation_id)`,
    );
    if (rows.length === 0 || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
