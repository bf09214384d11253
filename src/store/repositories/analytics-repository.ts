import { z } from 'zod';
import type { Database } from '../database.js';

/** One analytics event as written to `analytics_events`. */
export interface AnalyticsEventRecord {
  /** `gen_route`, `gen_ok`, `gen_fail`, … */
  type: string;
  /** ms since epoch. */
  at: number;
  jobId?: string;
  user?: string;
  provider?: string;
  model?: string;
  strategy?: string;
  latencyMs?: number;
  costUsd?: number;
  errorCode?: string;
  details?: Record<string, unknown>;
}

/** What one flush adds to one rollup row (bucket, provider, model). */
export interface RollupDelta {
  /** ms since epoch. */
  bucketStart: number;
  provider: string;
  model: string;
  routed: number;
  successes: number;
  failures: number;
  outputs: number;
  costUsd: number;
  latencySum: number;
  /** Counts per latency bucket, added element by element. */
  histogram: number[];
  regenerations: number;
}

const RollupRowSchema = z.object({
  provider: z.string(),
  model: z.string(),
  routed: z.number(),
  successes: z.number(),
  failures: z.number(),
  outputs: z.number(),
  cost_usd: z.number(),
  latency_ms_sum: z.number(),
  latency_histogram: z.array(z.number()),
  regenerations: z.number(),
});

/** A `provider_rollups` row as read back (see {@link AnalyticsRepository.rollups}). */
export type RollupRow = z.infer<typeof RollupRowSchema>;

const TimedRollupRowSchema = RollupRowSchema.extend({ bucket_start: z.coerce.date() });

/** A rollup row with the start of its bucket (see {@link AnalyticsRepository.timedRollups}). */
export type TimedRollupRow = z.infer<typeof TimedRollupRowSchema>;

/** Which rollup buckets to read: those that started in the window, optionally narrowed. */
export interface RollupQuery {
  since: Date;
  until?: Date;
  providers?: readonly string[];
  model?: string;
  /** Any of these models (a model rollout reads both of its arms). */
  models?: readonly string[];
}

/** Typed data access for raw analytics events and the per-bucket rollups built from them. */
export class AnalyticsRepository {
  constructor(private readonly database: Database) {}

  /** Inserts a batch of events in one statement. */
  async insertEvents(events: readonly AnalyticsEventRecord[]): Promise<void> {
    const column = <T>(pick: (event: AnalyticsEventRecord) => T) => events.map(pick);
    await this.database.query(
      `INSERT INTO analytics_events (event_type, occurred_at, job_id, user_id, provider, model, strategy, latency_ms, cost_usd, error_code, details)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                            $8::double precision[], $9::double precision[], $10::text[], $11::jsonb[])`,
      [
        column((event) => event.type),
        column((event) => new Date(event.at).toISOString()),
        column((event) => event.jobId ?? null),
        column((event) => event.user ?? null),
        column((event) => event.provider ?? null),
        column((event) => event.model ?? null),
        column((event) => event.strategy ?? null),
        column((event) => event.latencyMs ?? null),
        column((event) => event.costUsd ?? null),
        column((event) => event.errorCode ?? null),
        column((event) => JSON.stringify(event.details ?? {})),
      ],
    );
  }

  /**
   * Adds a delta to its rollup row, creating the row if needed. Several instances add to the
   * same row, so every counter is incremented in SQL, never overwritten.
   */
  async addToRollup(delta: RollupDelta): Promise<void> {
    await this.database.query(
      `INSERT INTO provider_rollups AS r (bucket_start, provider, model, routed, successes, failures, outputs, cost_usd, latency_ms_sum, latency_histogram, regenerations)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::integer[], $11)
       ON CONFLICT (bucket_start, provider, model) DO UPDATE SET
         routed = r.routed + EXCLUDED.routed,
         successes = r.successes + EXCLUDED.successes,
         failures = r.failures + EXCLUDED.failures,
         outputs = r.outputs + EXCLUDED.outputs,
         cost_usd = r.cost_usd + EXCLUDED.cost_usd,
         latency_ms_sum = r.latency_ms_sum + EXCLUDED.latency_ms_sum,
         latency_histogram = ARRAY(SELECT a + b FROM unnest(r.latency_histogram, EXCLUDED.latency_histogram) AS pair(a, b)),
         regenerations = r.regenerations + EXCLUDED.regenerations`,
      [
        new Date(delta.bucketStart),
        delta.provider,
        delta.model,
        delta.routed,
        delta.successes,
        delta.failures,
        delta.outputs,
        delta.costUsd,
        delta.latencySum,
        delta.histogram,
        delta.regenerations,
      ],
    );
  }

  /** Deletes raw events older than `cutoff` (rollups are kept). */
  async deleteEventsBefore(cutoff: Date): Promise<void> {
    await this.database.query('DELETE FROM analytics_events WHERE occurred_at < $1', [cutoff]);
  }

  /** The rollup rows of the buckets in the window, one per bucket, provider and model. */
  async rollups(query: RollupQuery): Promise<RollupRow[]> {
    return (await this.readRollups(query, '')).map((row) => RollupRowSchema.parse(row));
  }

  /** The same rows with their bucket's start, oldest first, for charts over time. */
  async timedRollups(query: RollupQuery): Promise<TimedRollupRow[]> {
    const rows = await this.readRollups(query, 'bucket_start, ');
    return rows
      .map((row) => TimedRollupRowSchema.parse(row))
      .sort((left, right) => left.bucket_start.getTime() - right.bucket_start.getTime());
  }

  private async readRollups(query: RollupQuery, extraColumns: string): Promise<unknown[]> {
    const params: unknown[] = [query.since];
    let where = 'bucket_start >= $1::timestamptz';
    if (query.until) where += ` AND bucket_start <= $${params.push(query.until)}`;
    if (query.providers)
      where += ` AND provider = ANY($${params.push([...query.providers])}::text[])`;
    if (query.model) where += ` AND model = $${params.push(query.model)}`;
    if (query.models) where += ` AND model = ANY($${params.push([...query.models])}::text[])`;
    const { rows } = await this.database.query(
      `SELECT ${extraColumns}provider, model, routed, successes, failures, outputs, cost_usd, latency_ms_sum, latency_histogram, regenerations
     FROM provider_rollups WHERE ${where}`,
      params,
    );
    return rows;
  }
}
