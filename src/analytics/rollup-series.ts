import type { Database } from '../store/database.js';
import {
  AnalyticsRepository,
  type RollupQuery,
} from '../store/repositories/analytics-repository.js';
import { addHistograms, emptyHistogram, histogramPercentile } from './latency-histogram.js';

/** One provider's figures per step of a series; `null` where the step has no data. */
export interface ProviderSeries {
  routed: number[];
  successes: number[];
  failures: number[];
  /** successes / (successes + failures). */
  successRate: (number | null)[];
  p95LatencyMs: (number | null)[];
  costUsd: number[];
}

/** Rollups over a window cut into equal steps, per provider, summed over models. */
export interface RollupSeries {
  stepSeconds: number;
  /** Start of each step, ms since epoch, oldest first. */
  steps: number[];
  providers: Record<string, ProviderSeries>;
}

/**
 * Reads the rollups of a window as a time series for charts: each step gathers the buckets
 * that started in it (steps shorter than a bucket leave gaps of zero). Every provider in
 * `providers` gets a series, with zeros where it served nothing, so charts keep their lines.
 */
export async function readRollupSeries(
  database: Database,
  options: RollupQuery & { until: Date; stepSeconds: number; providerIds: readonly string[] },
): Promise<RollupSeries> {
  const stepMs = options.stepSeconds * 1000;
  const first = Math.floor(options.since.getTime() / stepMs) * stepMs;
  const count = Math.max(1, Math.ceil((options.until.getTime() - first) / stepMs));
  const steps = Array.from({ length: count }, (_, index) => first + index * stepMs);
  const rows = await new AnalyticsRepository(database).timedRollups({
    ...options,
    since: new Date(first),
  });
  const zeros = () => Array.from({ length: count }, () => 0);
  const sums = new Map<
    string,
    { routed: number[]; successes: number[]; failures: number[]; costUsd: number[] }
  >();
  const histograms = new Map<string, number[][]>();
  const seriesOf = (provider: string) => {
    let entry = sums.get(provider);
    if (!entry) {
      entry = { routed: zeros(), successes: zeros(), failures: zeros(), costUsd: zeros() };
      sums.set(provider, entry);
      histograms.set(
        provider,
        steps.map(() => emptyHistogram()),
      );
    }
    return entry;
  };
  for (const id of options.providerIds) seriesOf(id);
  for (const row of rows) {
    const index = Math.floor((row.bucket_start.getTime() - first) / stepMs);
    if (index < 0 || index >= count) continue;
    const entry = seriesOf(row.provider);
    entry.routed[index] = (entry.routed[index] ?? 0) + row.routed;
    entry.successes[index] = (entry.successes[index] ?? 0) + row.successes;
    entry.failures[index] = (entry.failures[index] ?? 0) + row.failures;
    entry.costUsd[index] = (entry.costUsd[index] ?? 0) + row.cost_usd;
    const histogram = histograms.get(row.provider)?.[index];
    if (histogram) addHistograms(histogram, row.latency_histogram);
  }
  const providers: Record<string, ProviderSeries> = {};
  for (const [provider, entry] of sums) {
    providers[provider] = {
      ...entry,
      successRate: entry.successes.map((successes, index) => {
        const finished = successes + (entry.failures[index] ?? 0);
        return finished ? successes / finished : null;
      }),
      p95LatencyMs: (histograms.get(provider) ?? []).map((histogram) =>
        histogramPercentile(histogram, 0.95),
      ),
    };
  }
  return { stepSeconds: options.stepSeconds, steps, providers };
}
