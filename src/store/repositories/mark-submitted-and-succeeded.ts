import { JobStatus, type Job, type JobOutput } from '../../core/job.js';
import type { JsonValue } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import type { Queryable } from '../database.js';
import { jobColumnsSql, rowToJob } from './generation-rows.js';
import { statusIsSql } from './status-filter-sql.js';
import type { EndedRow } from './ledger-repository.js';

/** An output file written already, whose row is not stored yet (the assets' `PreparedAsset`). */
export interface OutputFileRow {
  id: string;
  purpose: 'upload' | 'output';
  mimeType: string;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  /** The object's key in the asset store; null when the bytes are `inlineBytes`. */
  storageKey: string | null;
  /** The bytes themselves, stored in the row (a small output, ADR 0028); null otherwise. */
  inlineBytes: Buffer | null;
  generationId: string | null;
  tenantId: string | null;
}

/** A synchronous provider's answer to one queued job: its acceptance and its result at once. */
export interface ImmediateSuccess {
  generationId: string;
  attemptId: string;
  provider: string;
  providerJobId: string;
  operation: JsonValue;
  outputs: JobOutput[];
  costUsd: number;
  /** The submission's warnings followed by the result's. */
  warnings: Warning[];
  /** The output files, written already; their rows are stored only if the job still was queued. */
  assets: readonly OutputFileRow[];
}

/** A job this statement ended: the job as a read-back would show it, and what settlement needs. */
export interface ImmediateSuccessOutcome {
  job: Job;
  ended: EndedRow;
}

const attemptJson = (alias: string) => `json_build_object(
    'id', ${alias}.id, 'provider', ${alias}.provider, 'provider_model_id', ${alias}.provider_model_id,
    'provider_job_id', ${alias}.provider_job_id, 'status', ${alias}.status, 'started_at', ${alias}.started_at,
    'ended_at', ${alias}.ended_at, 'error_code', ${alias}.error_code, 'error_message', ${alias}.error_message,
    'cost_usd', ${alias}.cost_usd)`;

// One statement for the whole batch: the jobs still queued become succeeded (the two
// conditional updates of `markSubmitted` and `markSucceeded` folded into one, as the same
// transaction made them before), their attempts record the provider's handle and the cost, and
// the output files' rows are inserted (the same columns as `AssetStore.insertRow`), the terminal
// state is NOTIFYed on commit, and the jobs come back exactly as `selectJobSql` would read them. The attempt list unites the
// attempts as they were before this statement (earlier, failed candidates) with the row this
// statement updated, since a data-modifying CTE's effects are invisible to its own snapshot.
const sql = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[],
                         $7::double precision[], $8::jsonb[])
      AS i(generation_id, attempt_id, provider, provider_job_id, operation, outputs, cost_usd, warnings)
  ), g AS (
    UPDATE generations j SET status = '${JobStatus.succeeded}', provider = i.provider,
           submitted_at = COALESCE(j.submitted_at, now()), outputs = i.outputs, progress = 1,
           completed_at = now(), actual_cost_usd = COALESCE(j.actual_cost_usd, 0) + i.cost_usd,
           warnings = j.warnings || i.warnings, updated_at = now(), backstop_at = NULL
      FROM input i
     WHERE j.id = i.generation_id AND ${statusIsSql('j', [JobStatus.queued])}
     RETURNING j.*
  ), updated_attempt AS (
    UPDATE generation_attempts a SET status = 'succeeded', provider_job_id = i.provider_job_id,
           operation = i.operation, ended_at = now(), cost_usd = i.cost_usd
      FROM input i JOIN g ON g.id = i.generation_id
     WHERE a.id = i.attempt_id
     RETURNING a.*
  ), stored_assets AS (
    INSERT INTO assets (id, purpose, mime_type, bytes, sha256, width, height, duration_seconds,
                        storage_key, generation_id, tenant_id, inline_bytes)
    SELECT f.id, f.purpose, f.mime_type, f.bytes, f.sha256, f.width, f.height, f.duration_seconds,
           f.storage_key, f.generation_id, f.tenant_id, f.inline_bytes
      FROM unnest($9::text[], $10::text[], $11::text[], $12::integer[], $13::text[], $14::integer[],
                  $15::integer[], $16::double precision[], $17::text[], $18::text[], $19::text[],
                  $22::bytea[])
        AS f(id, purpose, mime_type, bytes, sha256, width, height, duration_seconds, storage_key,
             generation_id, tenant_id, inline_bytes)
      JOIN g ON g.id = f.generation_id
  )
  SELECT ${jobColumnsSql},
         COALESCE((SELECT json_agg(every_attempt.row ORDER BY every_attempt.seq) FROM (
             SELECT a.seq, ${attemptJson('a')} AS row FROM generation_attempts a
              WHERE a.generation_id = g.id AND a.id NOT IN (SELECT id FROM updated_attempt)
             UNION ALL
             SELECT u.seq, ${attemptJson('u')} FROM updated_attempt u WHERE u.generation_id = g.id
           ) every_attempt), '[]'::json) AS attempts,
         '[]'::json AS deliveries,
         CASE WHEN $20::text IS NOT NULL THEN pg_notify($20, g.id || $21) END AS notified
    FROM g`;

/**
 * Marks many queued jobs submitted and succeeded in one statement (a synchronous provider's
 * answers, batched): returns the jobs that were still queued, by id. A job canceled meanwhile is
 * left alone and missing from the result, as the conditional updates it replaces would have.
 */
export async function markSubmittedAndSucceeded(
  executor: Queryable,
  successes: readonly ImmediateSuccess[],
  /** NOTIFY for other instances' waiters: channel and what follows the job id in the payload. */
  notify: { channel: string; payloadSuffix: string } | undefined,
): Promise<Map<string, ImmediateSuccessOutcome>> {
  const column = <T>(pick: (success: ImmediateSuccess) => T) => successes.map(pick);
  const files = successes.flatMap((success) => success.assets);
  const fileColumn = <T>(pick: (file: OutputFileRow) => T) => files.map(pick);
  const { rows } = await executor.query<Record<string, unknown> & EndedRow>(sql, [
    column((success) => success.generationId),
    column((success) => success.attemptId),
    column((success) => success.provider),
    column((success) => success.providerJobId),
    column((success) => JSON.stringify(success.operation)),
    column((success) => JSON.stringify(success.outputs)),
    column((success) => success.costUsd),
    column((success) => JSON.stringify(success.warnings)),
    fileColumn((file) => file.id),
    fileColumn((file) => file.purpose),
    fileColumn((file) => file.mimeType),
    fileColumn((file) => file.bytes),
    fileColumn((file) => file.sha256),
    fileColumn((file) => file.width),
    fileColumn((file) => file.height),
    fileColumn((file) => file.durationSeconds),
    fileColumn((file) => file.storageKey),
    fileColumn((file) => file.generationId),
    fileColumn((file) => file.tenantId),
    notify?.channel ?? null,
    notify?.payloadSuffix ?? null,
    fileColumn((file) => file.inlineBytes),
  ]);
  const outcomes = new Map<string, ImmediateSuccessOutcome>();
  for (const row of rows) {
    const job = rowToJob(row);
    outcomes.set(job.id, {
      job,
      ended: {
        tenant_id: job.tenantId,
        provider: job.provider,
        actual_cost_usd: job.cost.actualUsd,
      },
    });
  }
  return outcomes;
}
