import type { Database } from '../store/database.js';
import {
  AnalyticsRepository,
  type RollupQuery,
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
}

/**
 * Reads rollups over a window: the buckets that started at or after `since`. The work is
 * proportional to buckets × providers × models in the window, not to the number of requests —
 * 10 or 10,000 per second cost the same.
 */
export async function readWindowTotals(
  database: Database,
  options: RollupQuery,
): Promise<Map<string, WindowTotals>> {
  const rows = await new AnalyticsRepository(database).rollups(options);
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
  for (const row of rows) {
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
