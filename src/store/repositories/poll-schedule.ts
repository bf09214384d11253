import type { Job } from '../../core/job.js';
import { terminalJobStatuses } from '../../core/job.js';
import type { Queryable } from '../database.js';
import { toAttempt, type AttemptRecord, type AttemptRow } from './attempt-rows.js';
import { jobColumnsSql, rowToJob } from './generation-rows.js';

/** One poll of an accepted attempt (ADR 0023): the state a poll carries to the next. */
export interface DuePoll {
  /** The job the attempt belongs to. */
  jobId: string;
  /** The attempt to ask the provider about. */
  attemptId: string;
  /** Poll number for this attempt (drives backoff). */
  poll: number;
  /** Consecutive times the result could not be stored because the asset store was down. */
  storageFailures?: number;
  /** When the first of those failures happened (the gateway's clock, ms). */
  storageFailingSince?: number;
}

/** A poll and when it becomes due. */
export interface PollDueTime {
  poll: DuePoll;
  /** The gateway's clock. */
  dueAt: Date;
}

const terminalList = [...terminalJobStatuses].map((status) => `'${status}'`).join(', ');

// A poll never moves an attempt's chain backwards: a later number has been scheduled already
// when an earlier poll's answer arrives late (a lease that ran out while its poll was running).
const scheduleSql = `
  UPDATE generation_attempts a
     SET poll_at = i.poll_at, poll_number = i.poll_number,
         poll_storage_failures = i.storage_failures,
         poll_storage_failing_since = i.storage_failing_since
    FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::bigint[])
         AS i(attempt_id, poll_at, poll_number, storage_failures, storage_failing_since)
   WHERE a.id = i.attempt_id AND a.status = 'submitted'
     AND COALESCE(a.poll_number, 0) < i.poll_number`;

/** Sets the next poll of many attempts in one statement (in `executor`'s transaction if any). */
export async function schedulePolls(
  executor: Queryable,
  polls: readonly PollDueTime[],
): Promise<void> {
  if (polls.length === 0) return;
  await executor.query(scheduleSql, pollColumns(polls));
}

/** The five unnest arrays of `schedulePolls`, also used by the batched acceptance. */
export function pollColumns(polls: readonly PollDueTime[]): unknown[] {
  return [
    polls.map((entry) => entry.poll.attemptId),
    polls.map((entry) => entry.dueAt.toISOString()),
    polls.map((entry) => entry.poll.poll),
    polls.map((entry) => entry.poll.storageFailures ?? null),
    polls.map((entry) => entry.poll.storageFailingSince ?? null),
  ];
}

// The lease: a claimed poll is due again at $3 unless its handler schedules the next one first,
// so a process that dies mid-poll leaves it to another. An attempt whose job ended by some other
// path (a cancel, a deadline) leaves the index instead, and is not returned.
const claimSql = `
  WITH due AS (
    SELECT id FROM generation_attempts
     WHERE poll_at <= $1 AND status = 'submitted'
     ORDER BY poll_at LIMIT $2 FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE generation_attempts a
       SET poll_at = CASE WHEN g.status IN (${terminalList}) THEN NULL ELSE $3::timestamptz END
      FROM due, generations g
     WHERE a.id = due.id AND g.id = a.generation_id
     RETURNING a.*
  )
  SELECT ${jobColumnsSql}, '[]'::json AS attempts, '[]'::json AS deliveries,
         row_to_json(a.*) AS attempt_row
    FROM claimed a JOIN generations g ON g.id = a.generation_id
   WHERE a.poll_at IS NOT NULL`;

interface ClaimedAttemptRow extends AttemptRow {
  poll_number: number | null;
  poll_storage_failures: number | null;
  poll_storage_failing_since: number | string | null;
}

/** A claimed poll with the job and attempt it is about, read by the claim itself. */
export interface ClaimedPoll {
  poll: DuePoll;
  job: Job;
  attempt: AttemptRecord;
}

/**
 * Claims up to `limit` polls due by `now` for `leaseUntil` (`SKIP LOCKED`: instances claim at
 * once without waiting for each other), with their jobs and attempts: one statement per batch.
 */
export async function claimDuePolls(
  executor: Queryable,
  now: Date,
  limit: number,
  leaseUntil: Date,
): Promise<ClaimedPoll[]> {
  const { rows } = await executor.query<
    Record<string, unknown> & { attempt_row: ClaimedAttemptRow }
  >(claimSql, [now.toISOString(), limit, leaseUntil.toISOString()]);
  return rows.map((row) => {
    const attemptRow = row.attempt_row;
    const attempt = toAttempt(attemptRow);
    const poll: DuePoll = {
      jobId: attempt.generationId,
      attemptId: attempt.id,
      poll: attemptRow.poll_number ?? 1,
    };
    if (attemptRow.poll_storage_failures !== null)
      poll.storageFailures = attemptRow.poll_storage_failures;
    if (attemptRow.poll_storage_failing_since !== null)
      poll.storageFailingSince = Number(attemptRow.poll_storage_failing_since);
    return { poll, job: rowToJob(row), attempt };
  });
}

/**
 * Makes a claimed poll due again at `dueAt`, unless its chain moved on meanwhile (its handler
 * threw after scheduling the next poll, or the job ended).
 */
export async function retryPoll(executor: Queryable, poll: DuePoll, dueAt: Date): Promise<void> {
  await executor.query(
    `UPDATE generation_attempts SET poll_at = $3
      WHERE id = $1 AND poll_number = $2 AND status = 'submitted' AND poll_at IS NOT NULL`,
    [poll.attemptId, poll.poll, dueAt.toISOString()],
  );
}

/**
 * Moves poll messages left in the pg-boss queue by a version before ADR 0023 (or by an older
 * instance still running during a rolling upgrade) onto their attempt rows; returns how many.
 */
export async function adoptQueuedPolls(executor: Queryable, bossSchema: string): Promise<number> {
  const { rowCount } = await executor.query(
    `WITH moved AS (
       DELETE FROM "${bossSchema}".job
        WHERE name = 'generation-poll' AND state IN ('created', 'retry')
        RETURNING data, start_after
     )
     UPDATE generation_attempts a
        SET poll_at = m.start_after, poll_number = (m.data->>'poll')::int,
            poll_storage_failures = (m.data->>'storageFailures')::int,
            poll_storage_failing_since = (m.data->>'storageFailingSince')::bigint
       FROM moved m
      WHERE a.id = m.data->>'attemptId' AND a.status = 'submitted'
        AND COALESCE(a.poll_number, 0) < (m.data->>'poll')::int`,
    [],
  );
  return rowCount;
}
