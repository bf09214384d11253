import { z } from 'zod';
import type { Database } from '../store/database.js';
import { addHistograms, emptyHistogram, histogramPercentile } from './latency-histogram.js';

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

/** Totals over a window for one provider (optionally one model). */
export interface WindowTotals {
  routed: number;
  successes: number;
  failures: number;
  outputs: number;
  costUsd: number;
  regenerations: number;
  /** failures / (successes + failures); null without data. */
  failureRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  /** Average cost per successful output; null without outputs. */
  costPerOutputUsd: number | null;
  /** Regenerations per successful generation; null without successes. */
  regenerateRate: number | null;
}

/**
 * Reads rollups over a window: the buckets that started at or after `since`. The work is
 * proportional to buckets × providers × models in the window, not to the number of requests —
 * 10 or 10,000 per second cost the same.
 */
export async function readWindowTotals(
  database: Database,
  options: { since: Date; until?: Date; providers?: readonly string[]; model?: string },
): Promise<Map<string, WindowTotals>> {
  const params: unknown[] = [options.since];
  let where = 'bucket_start >= $1::timestamptz';
  if (options.until) where += ` AND bucket_start <= $${params.push(options.until)}`;
  if (options.providers)
    where += ` AND provider = ANY($${params.push([...options.providers])}::text[])`;
  if (options.model) where += ` AND model = $${params.push(options.model)}`;
  const { rows } = await database.query(
    `SELECT provider, model, routed, successes, failures, outputs, cost_usd, latency_ms_sum, latency_histogram, regenerations
     FROM provider_rollups WHERE ${where}`,
    params,
  );
  const totals = new Map<
    string,
    {
      base: Omit<
        WindowTotals,
        'failureRate' | 'p50LatencyMs' | 'p95LatencyMs' | 'costPerOutputUsd' | 'regenerateRate'
      >;
      histogram: number[];
    }
  >();
  for (const raw of rows) {
    const row = RollupRowSchema.parse(raw);
    let entry = totals.get(row.provider);
    if (!entry) {
      entry = {
        base: { routed: 0, successes: 0, failures: 0, outputs: 0, costUsd: 0, regenerations: 0 },
        histogram: emptyHistogram(),
      };
      totals.set(row.provider, entry);
    }
    entry.base.routed += row.routed;
    entry.base.successes += row.successes;
    entry.base.failures += row.failures;
    entry.base.outputs += row.outputs;
    entry.base.costUsd += row.cost_usd;
    entry.base.regenerations += row.regenerations;
    addHistograms(entry.histogram, row.latency_histogram);
  }
  const result = new Map<string, WindowTotals>();
  for (const [provider, { base, histogram }] of totals) {
    const finished = base.successes + base.failures;
    result.set(provider, {
      ...base,
      failureRate: finished ? base.failures / finished : null,
      p50LatencyMs: histogramPercentile(histogram, 0.5),
      p95LatencyMs: histogramPercentile(histogram, 0.95),
      costPerOutputUsd: base.outputs ? base.costUsd / base.outputs : null,
      regenerateRate: base.successes ? base.regenerations / base.successes : null,
    });
  }
  return result;
}
