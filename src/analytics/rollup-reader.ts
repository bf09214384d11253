import type { Database } from '../store/database.js';
import {
  AnalyticsRepository,
  type RollupQuery,
  type RollupRow,
} from '../store/repositories/analytics-repository.js';
import { addHistograms, emptyHistogram, histogramPercentile } from './latency-histogram.js';

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
  /** The summed latency histogram (counts per bucket of latency-histogram.ts), for rank tests. */
  latencyHistogram: number[];
  /**
   * Cost per output of each rollup row (bucket × model) with outputs: rollups keep sums, not a
   * cost per request, so a rank test of cost compares these cells (as Kayenta compares points).
   */
  costCells: number[];
}

/**
 * Reads rollups over a window: the buckets that started at or after `since`. The work is
 * proportional to buckets × providers × models in the window, not to the number of requests —
 * 10 or 10,000 per second cost the same.
 */
export async function readWindowTotals(
  database: Database,
  options: RollupQuery & { by?: 'provider' | 'model' },
): Promise<Map<string, WindowTotals>> {
  return totalsFromRollups(await new AnalyticsRepository(database).rollups(options), options.by);
}

/**
 * Sums rollup rows per provider (or per model: a model rollout's arms). Pure: simulations feed
 * it rows they made themselves.
 */
export function totalsFromRollups(
  rows: readonly RollupRow[],
  by: 'provider' | 'model' = 'provider',
): Map<string, WindowTotals> {
  const totals = new Map<
    string,
    {
      base: Omit<
        WindowTotals,
        | 'failureRate'
        | 'p50LatencyMs'
        | 'p95LatencyMs'
        | 'costPerOutputUsd'
        | 'regenerateRate'
        | 'latencyHistogram'
        | 'costCells'
      >;
      histogram: number[];
      costCells: number[];
    }
  >();
  for (const row of rows) {
    const key = by === 'model' ? row.model : row.provider;
    let entry = totals.get(key);
    if (!entry) {
      entry = {
        base: { routed: 0, successes: 0, failures: 0, outputs: 0, costUsd: 0, regenerations: 0 },
        histogram: emptyHistogram(),
        costCells: [],
      };
      totals.set(key, entry);
    }
    entry.base.routed += row.routed;
    entry.base.successes += row.successes;
    entry.base.failures += row.failures;
    entry.base.outputs += row.outputs;
    entry.base.costUsd += row.cost_usd;
    entry.base.regenerations += row.regenerations;
    addHistograms(entry.histogram, row.latency_histogram);
    // Rounded so that sums of equal prices (0.002 × 3 / 3) tie instead of differing in the 17th digit.
    if (row.outputs > 0) entry.costCells.push(Number((row.cost_usd / row.outputs).toPrecision(10)));
  }
  const result = new Map<string, WindowTotals>();
  for (const [key, { base, histogram, costCells }] of totals) {
    const finished = base.successes + base.failures;
    result.set(key, {
      ...base,
      failureRate: finished ? base.failures / finished : null,
      p50LatencyMs: histogramPercentile(histogram, 0.5),
      p95LatencyMs: histogramPercentile(histogram, 0.95),
      costPerOutputUsd: base.outputs ? base.costUsd / base.outputs : null,
      regenerateRate: base.successes ? base.regenerations / base.successes : null,
      latencyHistogram: histogram,
      costCells,
    });
  }
  return result;
}
