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

// One statement for the whole batch: the jobs still queued become succeeded (the two
// conditional updates of `markSubmitted` and `markSucceeded` folded into one, as the same
// transaction made them before), their attempts record the provider's handle and the cost, and
// the output files' rows are inserted (the same columns as `AssetStore.insertRow`), the terminal
// state is NOTIFYed on commit, and each job comes back with the attempt this statement updated.
// Its other attempts, if any, are read after the statement (`withAllAttempts`): a correlated
// attempt list here (the rows before this statement united with the updated one, since a
// data-modifying CTE's effects are invisible to its own snapshot) cost a third of the
// statement's planning and execution on every synchronous request, for the few jobs that fell
// back from an earlier candidate.
//
// `LIMIT $23` (the batch's length, so it removes nothing) is for the planner. A prepared
// statement's generic plan guesses 10 rows for an array parameter's unnest, so next to a
// custom plan for a batch of one it looked dear and PostgreSQL planned most executions afresh
// (277 µs of planning for 249 µs of execution); a LIMIT it cannot see makes it guess a tenth
// of 10, one row, and keep the generic plan. That plan is only as good as the table's
// statistics: made on a young, never-analyzed table it scans `generations` whole (≈ 6,000 rows
// a statement a few seconds into a fresh database), which `TableStatistics` (ADR 0029) ends by
// analyzing the table as it grows.
const sql = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[],
                         $7::double precision[], $8::jsonb[])
      AS i(generation_id, attempt_id, provider, provider_job_id, operation, outputs, cost_usd, warnings)
     LIMIT $23
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
  SELECT ${jobColumnsSql}, '[]'::json AS deliveries,
         u.seq AS attempt_seq, u.id AS attempt_id, u.provider AS attempt_provider,
         u.provider_model_id AS attempt_provider_model_id,
         u.provider_job_id AS attempt_provider_job_id, u.status AS attempt_status,
         u.started_at AS attempt_started_at, u.ended_at AS attempt_ended_at,
         u.error_code AS attempt_error_code, u.error_message AS attempt_error_message,
         u.cost_usd AS attempt_cost_usd,
         CASE WHEN $20::text IS NOT NULL THEN pg_notify($20, g.id || $21) END AS notified
    FROM g LEFT JOIN updated_attempt u ON u.generation_id = g.id`;

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
  const { rows } = await executor.query<CompletedRow>(sql, [
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
    successes.length,
  ]);
  const outcomes = new Map<string, ImmediateSuccessOutcome>();
  for (const row of await withAllAttempts(executor, rows)) {
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

/** A row of the statement above: the job's columns and the attempt it updated (`attempt_*`). */
type CompletedRow = Record<string, unknown> & {
  id: string;
  attempt_seq: number | null;
  attempt_id: string | null;
  attempt_provider: string | null;
  attempt_provider_model_id: string | null;
  attempt_provider_job_id: string | null;
  attempt_status: string | null;
  attempt_started_at: Date | null;
  attempt_ended_at: Date | null;
  attempt_error_code: string | null;
  attempt_error_message: string | null;
  attempt_cost_usd: number | null;
};

/** An attempt as `rowToJob` takes it (the fields `selectJobSql` aggregates). */
interface AttemptOfRow {
  id: string;
  provider: string | null;
  provider_model_id: string | null;
  provider_job_id: string | null;
  status: string | null;
  started_at: Date | null;
  ended_at: Date | null;
  error_code: string | null;
  error_message: string | null;
  cost_usd: number | null;
}

/**
 * Gives each row its `attempts`. Attempts are numbered from 1 in the order they are made, each
 * after the one before it ended, so a job whose first attempt just succeeded has no other: its
 * list is that attempt. A job that fell back from an earlier candidate (or whose attempt row was
 * missing) reads its whole list, in one query for all of them, after the statement (in the same
 * transaction when there is one), so the list includes the update.
 */
async function withAllAttempts(
  executor: Queryable,
  rows: readonly CompletedRow[],
): Promise<(CompletedRow & { attempts: AttemptOfRow[] })[]> {
  const others = rows.filter((row) => row.attempt_seq !== 1).map((row) => row.id);
  const listed = new Map<string, AttemptOfRow[]>();
  if (others.length) {
    const { rows: attempts } = await executor.query<AttemptOfRow & { generation_id: string }>(
      `SELECT generation_id, id, provider, provider_model_id, provider_job_id, status, started_at,
              ended_at, error_code, error_message, cost_usd
         FROM generation_attempts WHERE generation_id = ANY($1::text[]) ORDER BY generation_id, seq`,
      [others],
    );
    for (const { generation_id: generationId, ...attempt } of attempts) {
      const list = listed.get(generationId) ?? [];
      list.push(attempt);
      listed.set(generationId, list);
    }
  }
  return rows.map((row) => ({
    ...row,
    attempts:
      row.attempt_seq === 1 && row.attempt_id !== null
        ? [
            {
              id: row.attempt_id,
              provider: row.attempt_provider,
              provider_model_id: row.attempt_provider_model_id,
              provider_job_id: row.attempt_provider_job_id,
              status: row.attempt_status,
              started_at: row.attempt_started_at,
              ended_at: row.attempt_ended_at,
              error_code: row.attempt_error_code,
              error_message: row.attempt_error_message,
              cost_usd: row.attempt_cost_usd,
            },
          ]
        : (listed.get(row.id) ?? []),
  }));
}
