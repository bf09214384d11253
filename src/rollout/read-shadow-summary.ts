import { z } from 'zod';
import type { Database } from '../store/database.js';

/** A rollout's shadow copies so far: counts by state, and what they cost at the provider. */
export interface ShadowSummary {
  /** Copies stored (the retention sweep may have removed old ones). */
  copies: number;
  succeeded: number;
  /** Failed or canceled. */
  failed: number;
  /** Still queued or at the provider. */
  unfinished: number;
  /** Actual provider cost of the finished copies, USD. */
  spentUsd: number;
  /** The latest copies, newest first: what the canary answered to which client job. */
  recent: ShadowJobSummary[];
}

/** One shadow copy, as the rollout shows it. */
export interface ShadowJobSummary {
  id: string;
  /** The client job it copies (answered by the baseline). */
  clientJobId: string;
  status: string;
  provider: string | null;
  model: string;
  costUsd: number | null;
  /** Stored output asset ids (`/v1/assets/{id}`). */
  outputs: string[];
  errorCode: string | null;
  createdAt: string;
}

const CountsRowSchema = z.object({
  copies: z.coerce.number(),
  succeeded: z.coerce.number(),
  failed: z.coerce.number(),
  unfinished: z.coerce.number(),
  spent_usd: z.coerce.number(),
});

const RecentRowSchema = z.object({
  id: z.string(),
  client_job_id: z.string(),
  status: z.string(),
  provider: z.string().nullable(),
  model: z.string(),
  actual_cost_usd: z.coerce.number().nullable(),
  outputs: z.array(z.object({ assetId: z.string() }).loose()),
  error: z.object({ code: z.string() }).loose().nullable(),
  created_at: z.coerce.date(),
});

/** Reads a rollout's shadow jobs (ordinary generations marked `request.shadow`). */
export async function readShadowSummary(
  database: Database,
  rolloutId: string,
  recentLimit = 5,
): Promise<ShadowSummary> {
  const shadowOf = `request ? 'shadow' AND request -> 'shadow' ->> 'rolloutId' = $1`;
  const [counts, recent] = await Promise.all([
    database.query(
      `SELECT count(*) AS copies,
         count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
         count(*) FILTER (WHERE status IN ('failed', 'canceled')) AS failed,
         count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed', 'canceled')) AS unfinished,
         COALESCE(sum(actual_cost_usd), 0) AS spent_usd
       FROM generations WHERE ${shadowOf}`,
      [rolloutId],
    ),
    database.query(
      `SELECT id, request -> 'shadow' ->> 'of' AS client_job_id, status, provider, model,
         actual_cost_usd, outputs, error, created_at
       FROM generations WHERE ${shadowOf} ORDER BY id DESC LIMIT $2`,
      [rolloutId, recentLimit],
    ),
  ]);
  const row = CountsRowSchema.parse(counts.rows[0]);
  return {
    copies: row.copies,
    succeeded: row.succeeded,
    failed: row.failed,
    unfinished: row.unfinished,
    spentUsd: row.spent_usd,
    recent: recent.rows.map((input) => {
      const job = RecentRowSchema.parse(input);
      return {
        id: job.id,
        clientJobId: job.client_job_id,
        status: job.status,
        provider: job.provider,
        model: job.model,
        costUsd: job.actual_cost_usd,
        outputs: job.outputs.map((output) => output.assetId),
        errorCode: job.error?.code ?? null,
        createdAt: job.created_at.toISOString(),
      };
    }),
  };
}
