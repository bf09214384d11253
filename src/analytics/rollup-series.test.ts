import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import { backends } from '../../test/helpers/test-database.js';
import {
  AnalyticsRepository,
  type RollupDelta,
} from '../store/repositories/analytics-repository.js';
import { emptyHistogram, latencyBucket } from './latency-histogram.js';
import { readRollupSeries } from './rollup-series.js';

const start = Date.parse('2026-12-01T12:00:00Z');

function delta(overrides: Partial<RollupDelta>): RollupDelta {
  const histogram = emptyHistogram();
  histogram[latencyBucket(400)] = 1;
  return {
    bucketStart: start,
    provider: 'sim-a',
    model: 'sim-image',
    routed: 1,
    successes: 1,
    failures: 0,
    outputs: 1,
    costUsd: 0.01,
    latencySum: 400,
    histogram,
    regenerations: 0,
    ...overrides,
  };
}

describe.each(backends)('readRollupSeries on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    const analytics = new AnalyticsRepository(opened.database);
    // Two buckets in the first minute (two models), one failure in the third minute.
    await analytics.addToRollup(delta({}));
    await analytics.addToRollup(delta({ bucketStart: start + 30_000, model: 'sim-video' }));
    await analytics.addToRollup(
      delta({ bucketStart: start + 120_000, successes: 0, failures: 1, costUsd: 0 }),
    );
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should sum buckets and models into steps, with zeros and nulls where nothing ran', async () => {
    const series = await readRollupSeries(opened.database, {
      since: new Date(start),
      until: new Date(start + 180_000),
      stepSeconds: 60,
      providerIds: ['sim-a', 'sim-b'],
    });
    expect(series.steps).toEqual([start, start + 60_000, start + 120_000]);
    expect(series.providers['sim-a']).toMatchObject({
      routed: [2, 0, 1],
      successes: [2, 0, 0],
      failures: [0, 0, 1],
      successRate: [1, null, 0],
      costUsd: [0.02, 0, 0],
    });
    expect(series.providers['sim-a']?.p95LatencyMs[0]).toBeGreaterThan(0);
    expect(series.providers['sim-a']?.p95LatencyMs[1]).toBeNull();
    expect(series.providers['sim-b']).toMatchObject({
      routed: [0, 0, 0],
      successRate: [null, null, null],
    });
  });

  it('should narrow to one model', async () => {
    const series = await readRollupSeries(opened.database, {
      since: new Date(start),
      until: new Date(start + 60_000),
      stepSeconds: 60,
      model: 'sim-video',
      providerIds: ['sim-a'],
    });
    expect(series.providers['sim-a']?.routed).toEqual([1]);
  });
});
