import { JobStatus } from '../../core/job.js';
import type { Queryable } from '../database.js';
import { statusIsSql } from './status-filter-sql.js';

/** A job a poll found working at the provider, with its progress (10 % steps) when known. */
export interface RunningJob {
  generationId: string;
  progress: number | null;
}

// `GenerationRepository.markRunning` for many jobs in one statement: a job in flight becomes
// `running` (its start time kept) and records its progress; one already running at that
// progress is left alone, so a no-op poll writes nothing.
const sql = `
  UPDATE generations g SET status = '${JobStatus.running}', started_at = COALESCE(g.started_at, now()),
         progress = COALESCE(i.progress, g.progress), updated_at = now()
    FROM unnest($1::text[], $2::double precision[]) AS i(id, progress)
   WHERE g.id = i.id AND ${statusIsSql('g', [JobStatus.submitted, JobStatus.running])}
     AND (g.status <> '${JobStatus.running}' OR g.progress IS DISTINCT FROM COALESCE(i.progress, g.progress))
   RETURNING g.id`;

/** Marks many jobs running; answers, in input order, whether each changed. */
export async function markRunningBatch(
  executor: Queryable,
  jobs: readonly RunningJob[],
): Promise<boolean[]> {
  if (jobs.length === 0) return [];
  const { rows } = await executor.query<{ id: string }>(sql, [
    jobs.map((job) => job.generationId),
    jobs.map((job) => job.progress),
  ]);
  const changed = new Set(rows.map((row) => row.id));
  return jobs.map((job) => changed.has(job.generationId));
}
