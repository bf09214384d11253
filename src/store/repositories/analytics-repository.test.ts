import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { backends } from '../../../test/helpers/test-database.js';
import { AnalyticsRepository, type RollupDelta } from './analytics-repository.js';

const bucketStart = Date.parse('2026-12-01T12:00:00Z');

function delta(overrides: Partial<RollupDelta> = {}): RollupDelta {
  return {
    bucketStart,
    provider: 'sim',
    model: 'sim-image',
    routed: 1,
    successes: 1,
    failures: 0,
    outputs: 2,
    costUsd: 0.01,
    latencySum: 250,
    histogram: [0, 1, 0],
    regenerations: 0,
    ...overrides,
  };
}

describe.each(backends)('AnalyticsRepository on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let analytics: AnalyticsRepository;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    analytics = new AnalyticsRepository(opened.database);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should insert a batch of events and delete those older than a cutoff', async () => {
    await analytics.insertEvents([
      { type: 'gen_route', at: bucketStart - 86_400_000, provider: 'sim', strategy: 'fallback' },
      { type: 'gen_ok', at: bucketStart, jobId: 'gen_1', latencyMs: 250, details: { outputs: 2 } },
    ]);
    await analytics.deleteEventsBefore(new Date(bucketStart - 3_600_000));
    const { rows } = await opened.database.query<{
      event_type: string;
      job_id: string | null;
      details: unknown;
    }>('SELECT event_type, job_id, details FROM analytics_events');
    expect(rows).toEqual([{ event_type: 'gen_ok', job_id: 'gen_1', details: { outputs: 2 } }]);
  });

  it('should add deltas to the same rollup row', async () => {
    await analytics.addToRollup(delta());
    await analytics.addToRollup(delta({ successes: 0, failures: 1, histogram: [1, 0, 0] }));
    const rows = await analytics.rollups({ since: new Date(bucketStart) });
    expect(rows).toEqual([
      {
        provider: 'sim',
        model: 'sim-image',
        routed: 2,
        successes: 1,
        failures: 1,
        outputs: 4,
        cost_usd: 0.02,
        latency_ms_sum: 500,
        latency_histogram: [1, 1, 0],
        regenerations: 0,
      },
    ]);
  });

  it('should read only the buckets, providers and model asked for', async () => {
    await analytics.addToRollup(delta({ provider: 'other' }));
    await analytics.addToRollup(delta({ model: 'sim-video' }));
    await analytics.addToRollup(delta({ bucketStart: bucketStart + 60_000 }));
    const read = async (query: Parameters<AnalyticsRepository['rollups']>[0]) =>
      (await analytics.rollups(query)).map((row) => `${row.provider}/${row.model}`).sort();
    const since = new Date(bucketStart);
    expect(await read({ since })).toHaveLength(4);
    expect(await read({ since, until: new Date(bucketStart) })).toEqual([
      'other/sim-image',
      'sim/sim-image',
      'sim/sim-video',
    ]);
    expect(await read({ since, providers: ['other'] })).toEqual(['other/sim-image']);
    expect(await read({ since, model: 'sim-video' })).toEqual(['sim/sim-video']);
    expect(await read({ since: new Date(bucketStart + 60_000) })).toEqual(['sim/sim-image']);
  });
});
