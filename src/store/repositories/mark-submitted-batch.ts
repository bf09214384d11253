import { JobStatus } from '../../core/job.js';
import type { JsonValue } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import type { Queryable } from '../database.js';
import { statusIsSql } from './status-filter-sql.js';

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
// statement: each job still `queued` becomes `submitted`, and each attempt still `submitting`
// records the provider's handle and, when its job was still queued, its first poll (ADR 0023).
// As there, the attempt is updated whether or not its job still was queued (a job canceled
// meanwhile keeps the handle its cancel at the provider needs). One statement, its own commit:
// a job is never `submitted` without its first poll, nor is a poll due for one that was not.
const sql = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[],
                         $7::timestamptz[], $8::int[])
      AS i(generation_id, attempt_id, provider, provider_job_id, operation, warnings, poll_at,
           poll_number)
  ), updated_jobs AS (
    UPDATE generations g SET status = '${JobStatus.submitted}', provider = i.provider,
           submitted_at = COALESCE(g.submitted_at, now()), warnings = g.warnings || i.warnings,
           updated_at = now()
      FROM input i
     WHERE g.id = i.generation_id AND ${statusIsSql('g', [JobStatus.queued])}
     RETURNING g.id
  ), updated_attempts AS (
    UPDATE generation_attempts a SET status = 'submitted', provider_job_id = i.provider_job_id,
           operation = i.operation,
           poll_at = CASE WHEN u.id IS NULL THEN NULL ELSE i.poll_at END,
           poll_number = CASE WHEN u.id IS NULL THEN NULL ELSE i.poll_number END,
           poll_storage_failures = NULL, poll_storage_failing_since = NULL
      FROM input i LEFT JOIN updated_jobs u ON u.id = i.generation_id
     WHERE a.id = i.attempt_id AND a.status = 'submitting'
     RETURNING a.id
  )
  SELECT id FROM updated_jobs`;

/** A first poll to set with an acceptance. */
export interface FirstPoll {
  /** Its number (1). */
  poll: number;
  /** When it is due (the gateway's clock). */
  dueAt: Date;
}

/**
 * Marks many jobs submitted in one statement, with the first polls given; returns the ids of
 * those that were still queued (the others were canceled meanwhile, and their provider should
 * be told).
 */
export async function markSubmittedBatch(
  executor: Queryable,
  accepted: readonly { attempt: SubmittedAttempt; firstPoll?: FirstPoll }[],
): Promise<Set<string>> {
  if (accepted.length === 0) return new Set();
  const column = <T>(pick: (entry: SubmittedAttempt) => T) =>
    accepted.map((entry) => pick(entry.attempt));
  const { rows } = await executor.query<{ id: string }>(sql, [
    column((entry) => entry.generationId),
    column((entry) => entry.attemptId),
    column((entry) => entry.provider),
    column((entry) => entry.providerJobId),
    column((entry) => JSON.stringify(entry.operation)),
    column((entry) => JSON.stringify(entry.warnings)),
    accepted.map((entry) => entry.firstPoll?.dueAt.toISOString() ?? null),
    accepted.map((entry) => entry.firstPoll?.poll ?? null),
  ]);
  return new Set(rows.map((row) => row.id));
}
