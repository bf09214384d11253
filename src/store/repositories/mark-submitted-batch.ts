import { JobStatus } from '../../core/job.js';
import type { JsonValue } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import type { Queryable } from '../database.js';

/** A provider's acceptance of one queued job's attempt (its handle). */
export interface SubmittedAttempt {
  generationId: string;
  attemptId: string;
  provider: string;
  providerJobId: string;
  operation: JsonValue;
  warnings: Warning[];
}

// The two conditional updates of `GenerationRepository.markSubmitted`, for many jobs in one
// statement: each attempt still `submitting` records the provider's handle, and each job still
// `queued` becomes `submitted`. As there, the attempt is updated whether or not its job still
// was queued (a job canceled meanwhile keeps the handle its cancel at the provider needs).
const sql = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
      AS i(generation_id, attempt_id, provider, provider_job_id, operation, warnings)
  ), updated_attempts AS (
    UPDATE generation_attempts a SET status = 'submitted', provider_job_id = i.provider_job_id,
           operation = i.operation
      FROM input i
     WHERE a.id = i.attempt_id AND a.status = 'submitting'
     RETURNING a.id
  )
  UPDATE generations g SET status = '${JobStatus.submitted}', provider = i.provider,
         submitted_at = COALESCE(g.submitted_at, now()), warnings = g.warnings || i.warnings,
         updated_at = now()
    FROM input i
   WHERE g.id = i.generation_id AND g.status = '${JobStatus.queued}'
   RETURNING g.id`;

/**
 * Marks many jobs submitted in one statement; returns the ids of those that were still queued
 * (the others were canceled meanwhile, and their provider should be told).
 */
export async function markSubmittedBatch(
  executor: Queryable,
  accepted: readonly SubmittedAttempt[],
): Promise<Set<string>> {
  if (accepted.length === 0) return new Set();
  const column = <T>(pick: (entry: SubmittedAttempt) => T) => accepted.map(pick);
  const { rows } = await executor.query<{ id: string }>(sql, [
    column((entry) => entry.generationId),
    column((entry) => entry.attemptId),
    column((entry) => entry.provider),
    column((entry) => entry.providerJobId),
    column((entry) => JSON.stringify(entry.operation)),
    column((entry) => JSON.stringify(entry.warnings)),
  ]);
  return new Set(rows.map((row) => row.id));
}
