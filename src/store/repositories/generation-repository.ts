import {
  AttemptStatus,
  JobStatus,
  terminalJobStatuses,
  type Job,
  type JobError,
  type JobOutput,
} from '../../core/job.js';
import type { GenerationKind } from '../../core/generation-request.js';
import type { JsonValue } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import type { Database, Queryable } from '../database.js';
import { GroupCommit } from '../group-commit.js';
import type { FirstAttempt } from './insert-first-attempts.js';
import { markRunningBatch, type RunningJob } from './mark-running-batch.js';
import {
  newGenerationRow,
  type NewGeneration,
  rowToJob,
  selectJobSql,
  selectJobWithAttemptSql,
} from './generation-rows.js';
import { toAttempt, type AttemptRecord, type AttemptRow } from './attempt-rows.js';
import { releaseOnEnd, type EndedRow } from './ledger-repository.js';

/** Constant statuses as an SQL list: `('queued', 'submitted')`. */
function sqlList(statuses: readonly string[]): string {
  return `(${statuses.map((status) => `'${status}'`).join(', ')})`;
}

/** Jobs not yet ended. */
const activeStatuses = sqlList(
  Object.values(JobStatus).filter((status) => !terminalJobStatuses.has(status)),
);
/** Jobs a provider holds: accepted and not yet ended. */
const inFlightStatuses = sqlList([JobStatus.submitted, JobStatus.running]);
/** Attempts not yet ended. */
const openAttemptStatuses = sqlList([AttemptStatus.submitting, AttemptStatus.submitted]);

/** Filter and page for listings. */
export interface GenerationListQuery {
  user?: string;
  /** Only jobs of this kind (`image` or `video`). */
  kind?: GenerationKind;
  status?: JobStatus;
  limit: number;
  /** Only this tenant's jobs. */
  tenantId?: string;
  /** Return jobs older than this id (ids sort by creation time). */
  before?: string;
  /** Return jobs newer than this id. */
  after?: string;
  /** Newest first (the default) or oldest first. */
  order?: 'asc' | 'desc';
}

/** Typed data access for jobs and their attempts. Every status change is conditional. */
export class GenerationRepository {
  /** Polls that find jobs working share one statement (group commit). */
  private readonly running: GroupCommit<RunningJob, boolean>;

  constructor(private readonly database: Database) {
    this.running = new GroupCommit((jobs) => markRunningBatch(database, jobs));
  }

  /**
   * Inserts many jobs in one statement; returns the ids stored (a row whose idempotency key
   * already exists is skipped, not an error).
   */
  async insertMany(
    generations: readonly (NewGeneration & { createdAt: Date })[],
    executor: Queryable,
    firstAttempts: readonly FirstAttempt[] = [],
  ): Promise<Set<string>> {
    const rows = generations.map(newGenerationRow);
    const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
    const insertGenerations = `INSERT INTO generations (id, status, kind, task, model, user_id, request, estimated_cost_usd,
         idempotency_key, request_hash, webhook_url, webhook_status, deadline_at, regenerated_from, created_at, updated_at,
         tenant_id, warnings, api_key_id, backstop_at)
       SELECT id, 'queued', kind, task, model, user_id, request, estimated_cost_usd, idempotency_key,
              request_hash, webhook_url, webhook_status, deadline_at, regenerated_from, created_at, created_at,
              tenant_id, warnings, api_key_id, backstop_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::double precision[],
                   $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::timestamptz[],
                   $15::text[], $16::jsonb[], $17::text[], $18::timestamptz[])
         AS input(id, kind, task, model, user_id, request, estimated_cost_usd, idempotency_key, request_hash,
                  webhook_url, webhook_status, deadline_at, regenerated_from, created_at, tenant_id, warnings,
                  api_key_id, backstop_at)
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id`;
    const values: unknown[] = [
      column((row) => row.id),
      column((row) => row.request.kind),
      column((row) => row.request.task),
      column((row) => row.request.model),
      column((row) => row.request.user ?? null),
      column((row) => JSON.stringify(row.request)),
      column((row) => row.estimated_cost_usd),
      column((row) => row.idempotency_key),
      generations.map((generation) => generation.requestHash),
      column((row) => row.webhook_url),
      column((row) => row.webhook_status),
      column((row) => row.deadline_at.toISOString()),
      column((row) => row.regenerated_from),
      column((row) => row.created_at.toISOString()),
      column((row) => row.tenant_id),
      column((row) => JSON.stringify(row.warnings)),
      generations.map((generation) => generation.apiKeyId ?? null),
      generations.map((generation) => generation.backstopAt?.toISOString() ?? null),
    ];
    // The first attempts go in the same statement (one round trip fewer per batch), and only for
    // the jobs it stored: an idempotent replay's attempt is dropped with it. The attempts'
    // foreign key is checked at the end of the statement, when the jobs are there.
    const { rows: stored } = firstAttempts.length
      ? await executor.query<{ id: string }>(
          `WITH stored AS (${insertGenerations}),
           attempts AS (
             INSERT INTO generation_attempts (id, generation_id, seq, provider, provider_model_id, status)
             SELECT attempt.id, attempt.generation_id, 1, attempt.provider, attempt.provider_model_id, 'submitting'
               FROM unnest($19::text[], $20::text[], $21::text[], $22::text[])
                 AS attempt(id, generation_id, provider, provider_model_id)
               JOIN stored ON stored.id = attempt.generation_id)
           SELECT id FROM stored`,
          [
            ...values,
            firstAttempts.map((attempt) => attempt.id),
            firstAttempts.map((attempt) => attempt.generationId),
            firstAttempts.map((attempt) => attempt.provider),
            firstAttempts.map((attempt) => attempt.providerModelId),
          ],
        )
      : await executor.query<{ id: string }>(insertGenerations, values);
    return new Set(stored.map((row) => row.id));
  }

  /** Just the status (cheap checks while waiting). */
  async status(id: string): Promise<JobStatus | undefined> {
    const { rows } = await this.database.query<{ status: JobStatus }>(
      'SELECT status FROM generations WHERE id = $1',
      [id],
    );
    return rows[0]?.status;
  }

  /** How many jobs are in each status (metrics). */
  async countByStatus(): Promise<Record<string, number>> {
    const { rows } = await this.database.query<{ status: string; count: number }>(
      'SELECT status, count(*)::int AS count FROM generations GROUP BY status',
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  /** How many jobs each provider holds right now (accepted, not yet ended). */
  async countInFlightByProvider(): Promise<Record<string, number>> {
    const { rows } = await this.database.query<{ provider: string; count: number }>(
      `SELECT provider, count(*)::int AS count FROM generations
       WHERE status IN ${inFlightStatuses} AND provider IS NOT NULL GROUP BY provider`,
    );
    return Object.fromEntries(rows.map((row) => [row.provider, row.count]));
  }

  async findByIdempotencyKey(
    key: string,
  ): Promise<{ id: string; requestHash: string | null } | undefined> {
    const { rows } = await this.database.query<{ id: string; request_hash: string | null }>(
      'SELECT id, request_hash FROM generations WHERE idempotency_key = $1',
      [key],
    );
    return rows[0] ? { id: rows[0].id, requestHash: rows[0].request_hash } : undefined;
  }

  async get(id: string, executor: Queryable = this.database): Promise<Job | undefined> {
    const { rows } = await executor.query(`${selectJobSql} WHERE g.id = $1`, [id]);
    return rows[0] ? rowToJob(rows[0]) : undefined;
  }

  /** Many jobs in one read (a batch of queue messages), by id; missing ids are absent. */
  async getMany(ids: readonly string[]): Promise<Map<string, Job>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.database.query(`${selectJobSql} WHERE g.id = ANY($1::text[])`, [
      ids,
    ]);
    return new Map(rows.map((row) => rowToJob(row)).map((job) => [job.id, job]));
  }

  async list(query: GenerationListQuery): Promise<Job[]> {
    // Shadow copies of a rollout are no client's jobs: they are listed under their rollout.
    const conditions: string[] = [`NOT (g.request ? 'shadow')`];
    const params: unknown[] = [];
    if (query.tenantId) conditions.push(`g.tenant_id = $${params.push(query.tenantId)}`);
    if (query.user) conditions.push(`g.user_id = $${params.push(query.user)}`);
    if (query.status) conditions.push(`g.status = $${params.push(query.status)}`);
    if (query.kind) conditions.push(`g.kind = $${params.push(query.kind)}`);
    if (query.before) conditions.push(`g.id < $${params.push(query.before)}`);
    if (query.after) conditions.push(`g.id > $${params.push(query.after)}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const order = query.order === 'asc' ? 'ASC' : 'DESC';
    const { rows } = await this.database.query(
      `${selectJobSql} ${where} ORDER BY g.id ${order} LIMIT $${params.push(query.limit)}`,
      params,
    );
    return rows.map(rowToJob);
  }

  /**
   * Seconds from creation to success of the latest `limit` succeeded jobs of one model on one
   * provider, newest first: the observed time to a result, as clients experience it.
   */
  async recentCompletionSeconds(model: string, provider: string, limit = 50): Promise<number[]> {
    const { rows } = await this.database.query<{ seconds: number | string }>(
      `SELECT EXTRACT(EPOCH FROM (completed_at - created_at)) AS seconds FROM generations
       WHERE model = $1 AND provider = $2 AND status = '${JobStatus.succeeded}' AND completed_at IS NOT NULL
       ORDER BY id DESC LIMIT $3`,
      [model, provider, limit],
    );
    return rows.map((row) => Number(row.seconds));
  }

  /** Deletes a job with its attempts and deliveries (its ledger entries stay, for the books). */
  async delete(id: string): Promise<void> {
    await this.database.query('DELETE FROM generations WHERE id = $1', [id]);
  }

  /** Records an attempt before the provider call, so a crash leaves a trace. */
  async insertAttempt(attempt: {
    id: string;
    generationId: string;
    provider: string;
    providerModelId: string;
  }): Promise<number> {
    const { rows } = await this.database.query<{ seq: number }>(
      `INSERT INTO generation_attempts (id, generation_id, seq, provider, provider_model_id, status)
       VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM generation_attempts WHERE generation_id = $2),
               $3, $4, 'submitting')
       RETURNING seq`,
      [attempt.id, attempt.generationId, attempt.provider, attempt.providerModelId],
    );
    return rows[0]?.seq ?? 0;
  }

  async attempts(generationId: string): Promise<AttemptRecord[]> {
    const { rows } = await this.database.query<AttemptRow>(
      'SELECT * FROM generation_attempts WHERE generation_id = $1 ORDER BY seq',
      [generationId],
    );
    return rows.map(toAttempt);
  }

  /**
   * A job (without its attempt history) and one of its attempts, in one read. The job's
   * `attempts` list is empty here.
   */
  async jobWithAttempt(
    generationId: string,
    attemptId: string,
  ): Promise<{ job: Job; attempt: AttemptRecord } | undefined> {
    const { rows } = await this.database.query<
      Record<string, unknown> & { attempt_row: AttemptRow }
    >(`${selectJobWithAttemptSql} WHERE g.id = $1 AND a.id = $2`, [generationId, attemptId]);
    const row = rows[0];
    return row ? { job: rowToJob(row), attempt: toAttempt(row.attempt_row) } : undefined;
  }

  async attemptByProviderJob(
    provider: string,
    providerJobId: string,
  ): Promise<AttemptRecord | undefined> {
    const { rows } = await this.database.query<AttemptRow>(
      'SELECT * FROM generation_attempts WHERE provider = $1 AND provider_job_id = $2 ORDER BY started_at DESC LIMIT 1',
      [provider, providerJobId],
    );
    return rows[0] ? toAttempt(rows[0]) : undefined;
  }

  /** The provider accepted the attempt: store its handle and move the job to `submitted`. */
  async markSubmitted(
    executor: Queryable,
    input: {
      generationId: string;
      attemptId: string;
      provider: string;
      providerJobId: string;
      operation: JsonValue;
      warnings: Warning[];
    },
  ): Promise<boolean> {
    await executor.query(
      `UPDATE generation_attempts SET status = 'submitted', provider_job_id = $2, operation = $3
       WHERE id = $1 AND status = 'submitting'`,
      [input.attemptId, input.providerJobId, JSON.stringify(input.operation)],
    );
    const { rowCount } = await executor.query(
      `UPDATE generations SET status = 'submitted', provider = $2, submitted_at = COALESCE(submitted_at, now()),
         warnings = warnings || $3::jsonb, updated_at = now()
       WHERE id = $1 AND status = 'queued'`,
      [input.generationId, input.provider, JSON.stringify(input.warnings)],
    );
    return rowCount === 1;
  }

  async failAttempt(
    executor: Queryable,
    attemptId: string,
    error: JobError,
    costUsd: number | null = null,
  ): Promise<void> {
    await executor.query(
      `UPDATE generation_attempts SET status = 'failed', ended_at = now(), error_code = $2,
         error_message = $3, cost_usd = COALESCE($4, cost_usd)
       WHERE id = $1 AND status IN ${openAttemptStatuses}`,
      [attemptId, error.code, error.message.slice(0, 2000), costUsd],
    );
  }

  /** Marks a job running (and its progress); a no-op once terminal. */
  markRunning(generationId: string, progress: number | null): Promise<boolean> {
    return this.running.submit({ generationId, progress });
  }

  /** Terminal success; returns false when the job was already terminal (a race lost). */
  async markSucceeded(
    executor: Queryable,
    input: {
      generationId: string;
      attemptId: string;
      outputs: JobOutput[];
      costUsd: number;
      warnings: Warning[];
    },
  ): Promise<boolean> {
    const { rowCount, rows } = await executor.query<EndedRow>(
      `UPDATE generations SET status = 'succeeded', outputs = $2, progress = 1, completed_at = now(),
         actual_cost_usd = COALESCE(actual_cost_usd, 0) + $3, warnings = warnings || $4::jsonb, updated_at = now()
       WHERE id = $1 AND status IN ${activeStatuses}
       RETURNING tenant_id, provider, actual_cost_usd`,
      [
        input.generationId,
        JSON.stringify(input.outputs),
        input.costUsd,
        JSON.stringify(input.warnings),
      ],
    );
    if (rowCount !== 1) return false;
    await executor.query(
      `UPDATE generation_attempts SET status = 'succeeded', ended_at = now(), cost_usd = $2 WHERE id = $1`,
      [input.attemptId, input.costUsd],
    );
    // Settled in the transaction that ends the job: a crash can never leave one without the other.
    await releaseOnEnd(executor, input.generationId, rows[0], 'settlement');
    return true;
  }

  /** Terminal failure or cancellation; false when already terminal. */
  async markFinished(
    executor: Queryable,
    generationId: string,
    status: typeof JobStatus.failed | typeof JobStatus.canceled,
    error: JobError | null,
  ): Promise<boolean> {
    const { rowCount, rows } = await executor.query<EndedRow>(
      `UPDATE generations SET status = $2, error = $3, completed_at = now(), updated_at = now()
       WHERE id = $1 AND status IN ${activeStatuses}
       RETURNING tenant_id, provider, actual_cost_usd`,
      [generationId, status, error ? JSON.stringify(error) : null],
    );
    // A failed or canceled job gives its reservation back, in the transaction that ends it.
    await releaseOnEnd(executor, generationId, rows[0], 'refund');
    if (rowCount === 1 && status === JobStatus.canceled) {
      await executor.query(
        `UPDATE generation_attempts SET status = 'canceled', ended_at = now()
         WHERE generation_id = $1 AND status IN ${openAttemptStatuses}`,
        [generationId],
      );
    }
    return rowCount === 1;
  }

  /** Puts an accepted-then-failed job back in the queue for another provider. */
  async requeue(executor: Queryable, generationId: string): Promise<boolean> {
    const { rowCount } = await executor.query(
      `UPDATE generations SET status = 'queued', provider = NULL, progress = NULL, updated_at = now()
       WHERE id = $1 AND status IN ${inFlightStatuses}`,
      [generationId],
    );
    return rowCount === 1;
  }

  /** Active jobs whose deadline passed (the supervisor's backstop). */
  async overdue(now: Date, limit: number): Promise<string[]> {
    const { rows } = await this.database.query<{ id: string }>(
      `SELECT id FROM generations WHERE status IN ${activeStatuses} AND deadline_at < $1 ORDER BY deadline_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => row.id);
  }

  async recordDelivery(delivery: {
    generationId: string;
    statusCode: number | null;
    error: string | null;
    ok: boolean;
    durationMs: number;
  }): Promise<number> {
    const { rows } = await this.database.query<{ attempt: number }>(
      `INSERT INTO webhook_deliveries (generation_id, attempt, status_code, error, ok, duration_ms)
       VALUES ($1, (SELECT COALESCE(MAX(attempt), 0) + 1 FROM webhook_deliveries WHERE generation_id = $1), $2, $3, $4, $5)
       RETURNING attempt`,
      [
        delivery.generationId,
        delivery.statusCode,
        delivery.error,
        delivery.ok,
        Math.round(delivery.durationMs),
      ],
    );
    return rows[0]?.attempt ?? 0;
  }

  /** Stores a client's rating of a job (rollout guardrails read them). */
  async insertFeedback(feedback: {
    id: string;
    generationId: string;
    rating: number;
    comment: string | null;
    user: string | null;
  }): Promise<void> {
    await this.database.query(
      'INSERT INTO generation_feedback (id, generation_id, rating, comment, user_id) VALUES ($1, $2, $3, $4, $5)',
      [feedback.id, feedback.generationId, feedback.rating, feedback.comment, feedback.user],
    );
  }

  async setWebhookStatus(
    generationId: string,
    status: 'pending' | 'delivered' | 'failed',
  ): Promise<void> {
    await this.database.query('UPDATE generations SET webhook_status = $2 WHERE id = $1', [
      generationId,
      status,
    ]);
  }
}
