import { z } from 'zod';
import { GenerationRequestSchema, type GenerationRequest } from '../../core/generation-request.js';
import type { Warning } from '../../core/warning.js';
import { AttemptStatus, JobStatus, type Job } from '../../core/job.js';

const timestamp = z.coerce.date();
const nullableTimestamp = z.coerce.date().nullable();

const AttemptRowSchema = z.object({
  id: z.string(),
  provider: z.string(),
  provider_model_id: z.string(),
  provider_job_id: z.string().nullable(),
  status: z.enum(AttemptStatus),
  started_at: timestamp,
  ended_at: nullableTimestamp,
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  cost_usd: z.number().nullable(),
});

const DeliveryRowSchema = z.object({
  attempt: z.number(),
  at: timestamp,
  status_code: z.number().nullable(),
  error: z.string().nullable(),
  ok: z.boolean(),
  duration_ms: z.number(),
});

const OutputSchema = z.object({
  assetId: z.string(),
  mimeType: z.string(),
  bytes: z.number(),
  width: z.number().optional(),
  height: z.number().optional(),
  durationSeconds: z.number().optional(),
});

const WarningSchema = z.object({
  code: z.string(),
  parameter: z.string().optional(),
  message: z.string(),
});

const JobErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A `generations` row joined with its attempts and deliveries (see `selectJobSql`). */
const GenerationRowSchema = z.object({
  id: z.string(),
  status: z.enum(JobStatus),
  provider: z.string().nullable(),
  request: GenerationRequestSchema,
  outputs: z.array(OutputSchema),
  warnings: z.array(WarningSchema),
  error: JobErrorSchema.nullable(),
  progress: z.number().nullable(),
  estimated_cost_usd: z.number().nullable(),
  actual_cost_usd: z.number().nullable(),
  idempotency_key: z.string().nullable(),
  webhook_url: z.string().nullable(),
  webhook_status: z.enum(['pending', 'delivered', 'failed']).nullable(),
  regenerated_from: z.string().nullable(),
  tenant_id: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  submitted_at: nullableTimestamp,
  started_at: nullableTimestamp,
  completed_at: nullableTimestamp,
  deadline_at: timestamp,
  attempts: z.array(AttemptRowSchema),
  deliveries: z.array(DeliveryRowSchema),
});

/** A `generations` row as read back (see {@link rowToJob}). */
export type GenerationRow = z.infer<typeof GenerationRowSchema>;

/** Columns plus aggregated attempts and deliveries: one round trip per job or page. */
export const jobColumnsSql = `g.id, g.status, g.provider, g.request, g.outputs, g.warnings, g.error, g.progress,
         g.estimated_cost_usd, g.actual_cost_usd, g.idempotency_key, g.webhook_url,
         g.webhook_status, g.regenerated_from, g.tenant_id, g.created_at, g.updated_at, g.submitted_at,
         g.started_at, g.completed_at, g.deadline_at`;

/**
 * A job without its attempt and delivery history, joined with one attempt row — what a poll
 * needs, in one cheap read.
 */
export const selectJobWithAttemptSql = `
  SELECT ${jobColumnsSql}, '[]'::json AS attempts, '[]'::json AS deliveries, row_to_json(a.*) AS attempt_row
  FROM generations g JOIN generation_attempts a ON a.generation_id = g.id`;

export const selectJobSql = `
  SELECT ${jobColumnsSql},
         COALESCE((SELECT json_agg(json_build_object(
             'id', a.id, 'provider', a.provider, 'provider_model_id', a.provider_model_id,
             'provider_job_id', a.provider_job_id, 'status', a.status, 'started_at', a.started_at,
             'ended_at', a.ended_at, 'error_code', a.error_code, 'error_message', a.error_message,
             'cost_usd', a.cost_usd) ORDER BY a.seq)
           FROM generation_attempts a WHERE a.generation_id = g.id), '[]'::json) AS attempts,
         COALESCE((SELECT json_agg(json_build_object(
             'attempt', d.attempt, 'at', d.at, 'status_code', d.status_code, 'error', d.error,
             'ok', d.ok, 'duration_ms', d.duration_ms) ORDER BY d.attempt)
           FROM webhook_deliveries d WHERE d.generation_id = g.id), '[]'::json) AS deliveries
  FROM generations g`;

/**
 * A `generations` row as the driver hands it over: timestamps of the row's own columns arrive
 * as `Date`, those inside `json_agg` (attempts, deliveries) as ISO strings.
 */
type StoredDate = Date | string;
export type StoredGenerationRow = Omit<
  GenerationRow,
  | 'created_at'
  | 'updated_at'
  | 'submitted_at'
  | 'started_at'
  | 'completed_at'
  | 'deadline_at'
  | 'attempts'
  | 'deliveries'
> & {
  created_at: StoredDate;
  updated_at: StoredDate;
  submitted_at: StoredDate | null;
  started_at: StoredDate | null;
  completed_at: StoredDate | null;
  deadline_at: StoredDate;
  attempts: (Omit<GenerationRow['attempts'][number], 'started_at' | 'ended_at'> & {
    started_at: StoredDate;
    ended_at: StoredDate | null;
  })[];
  deliveries: (Omit<GenerationRow['deliveries'][number], 'at'> & { at: StoredDate })[];
};

/**
 * Checks a row against the schema of what this code writes; {@link rowToJob} does not, on every
 * read (ADR 0025). The repository test requires both to give the same `Job`.
 */
export function parseGenerationRow(input: unknown): GenerationRow {
  return GenerationRowSchema.parse(input);
}

/**
 * Maps a row read back from the database to the domain `Job`. The row is this code's own write
 * (the request validated before it was stored, every column typed by the table), so it is not
 * validated again: a zod parse of every job read was the largest single allocation of the poll
 * path and a share of every synchronous answer (ADR 0025).
 */
export function rowToJob(input: unknown): Job {
  return jobFromRow(input as StoredGenerationRow);
}

const toDate = (value: StoredDate): Date => (value instanceof Date ? value : new Date(value));
const toNullableDate = (value: StoredDate | null): Date | null =>
  value === null ? null : toDate(value);

/** Fields of a new job. */
export interface NewGeneration {
  id: string;
  request: GenerationRequest;
  estimatedCostUsd: number | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  deadlineAt: Date;
  regeneratedFrom?: string | null;
  /** The creating tenant; absent or null in open mode and for the admin key. */
  tenantId?: string | null;
  /** The tenant key that created it: its unfinished jobs count against its concurrency limit, and its ledger rows name it. */
  apiKeyId?: string | null;
  /** Warnings known at creation (a compatibility route adjusted a parameter). */
  warnings?: Warning[];
  /**
   * When the job supervisor takes the job over should its inline submission have died with this
   * process (ADR 0022); absent or null when the queue submits it.
   */
  backstopAt?: Date | null;
}

/**
 * The row `GenerationRepository.insertMany` writes for a new job: the job as just stored,
 * without reading it back (a round trip per request).
 */
export function newGenerationRow(generation: NewGeneration & { createdAt: Date }): GenerationRow {
  const { request } = generation;
  return {
    id: generation.id,
    status: JobStatus.queued,
    provider: null,
    request,
    outputs: [],
    warnings: generation.warnings ?? [],
    error: null,
    progress: null,
    estimated_cost_usd: generation.estimatedCostUsd,
    actual_cost_usd: null,
    idempotency_key: generation.idempotencyKey,
    webhook_url: request.webhookUrl ?? null,
    webhook_status: request.webhookUrl ? 'pending' : null,
    regenerated_from: generation.regeneratedFrom ?? null,
    tenant_id: generation.tenantId ?? null,
    created_at: generation.createdAt,
    updated_at: generation.createdAt,
    submitted_at: null,
    started_at: null,
    completed_at: null,
    deadline_at: generation.deadlineAt,
    attempts: [],
    deliveries: [],
  };
}

/** The one place a `Job` is built from its row. */
export function jobFromRow(row: StoredGenerationRow): Job {
  return {
    id: row.id,
    status: row.status,
    request: row.request,
    provider: row.provider,
    attempts: row.attempts.map((attempt) => ({
      id: attempt.id,
      provider: attempt.provider,
      providerModelId: attempt.provider_model_id,
      providerJobId: attempt.provider_job_id,
      status: attempt.status,
      startedAt: toDate(attempt.started_at),
      endedAt: toNullableDate(attempt.ended_at),
      errorCode: attempt.error_code,
      errorMessage: attempt.error_message,
      costUsd: attempt.cost_usd,
    })),
    outputs: row.outputs,
    cost: { estimatedUsd: row.estimated_cost_usd, actualUsd: row.actual_cost_usd },
    error: row.error,
    warnings: row.warnings,
    progress: row.progress,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    submittedAt: toNullableDate(row.submitted_at),
    startedAt: toNullableDate(row.started_at),
    completedAt: toNullableDate(row.completed_at),
    deadlineAt: toDate(row.deadline_at),
    idempotencyKey: row.idempotency_key,
    webhook: row.webhook_url
      ? {
          url: row.webhook_url,
          status: row.webhook_status ?? 'pending',
          deliveries: row.deliveries.map((delivery) => ({
            attempt: delivery.attempt,
            at: toDate(delivery.at),
            statusCode: delivery.status_code,
            error: delivery.error,
            ok: delivery.ok,
            durationMs: delivery.duration_ms,
          })),
        }
      : null,
    regeneratedFrom: row.regenerated_from,
    tenantId: row.tenant_id,
  };
}
