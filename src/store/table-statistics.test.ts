import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import { backends } from '../../test/helpers/test-database.js';
import { TableStatistics } from './table-statistics.js';

/** Inserts `count` jobs with ids `gen_<prefix><n>` (only the columns without defaults). */
async function insertJobs(
  database: Awaited<ReturnType<typeof openMigratedDatabase>>['database'],
  prefix: string,
  count: number,
) {
  await database.query(
    `INSERT INTO generations (id, status, kind, task, model, request, deadline_at)
     SELECT 'gen_' || $1 || n, 'succeeded', 'image', 'text-to-image', 'm',
            jsonb_build_object('prompt', repeat('p', 200)), now()
       FROM generate_series(1, $2::int) AS n`,
    [prefix, count],
  );
}

describe.each(backends)('TableStatistics on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let statistics: TableStatistics;
  const errors: unknown[] = [];
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    statistics = new TableStatistics({
      database: opened.database,
      tables: ['generations', 'generation_attempts'],
      intervalMs: 1000,
      onError: (error) => errors.push(error),
    });
  });
  afterAll(() => opened.close());

  const analyzedRows = async () =>
    (
      await opened.database.query<{ reltuples: number }>(
        `SELECT reltuples FROM pg_class WHERE relname = 'generations'`,
      )
    ).rows[0]?.reltuples;

  it('analyzes a table each time it has doubled since its statistics, and only then', async () => {
    expect(await statistics.tick()).toEqual([]);
    await insertJobs(opened.database, 'a', 2000);
    expect(await statistics.tick()).toEqual(['generations']);
    expect(await analyzedRows()).toBe(2000);
    // A tenth more is not a doubling: the statistics stay as they are.
    await insertJobs(opened.database, 'b', 200);
    expect(await statistics.tick()).toEqual([]);
    expect(await analyzedRows()).toBe(2000);
    await insertJobs(opened.database, 'c', 3000);
    expect(await statistics.tick()).toEqual(['generations']);
    expect(await analyzedRows()).toBe(5200);
    expect(errors).toEqual([]);
  });

  it('reports a failed check instead of throwing', async () => {
    const broken = new TableStatistics({
      database: opened.database,
      tables: ['no_such_table'],
      intervalMs: 1000,
      onError: (error) => errors.push(error),
    });
    expect(await broken.tick()).toEqual([]);
    expect(errors).toHaveLength(1);
    errors.length = 0;
  });
});

// The reason for the class: a generic plan made on a young table scans it whole, and keeps doing
// so as it grows, until its statistics change. PGlite has no autovacuum to change them.
describe('TableStatistics and a cached generic plan (PGlite, one session)', () => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    opened = await openMigratedDatabase('pglite');
  });
  afterAll(() => opened.close());

  it('replaces a sequential-scan plan made on a young table once the table has grown', async () => {
    const { database } = opened;
    await insertJobs(database, 'young', 5);
    await database.script(`SET plan_cache_mode = force_generic_plan`);
    await database.script(
      `PREPARE by_ids(text[]) AS SELECT id FROM generations WHERE id = ANY($1)`,
    );
    const plan = async () =>
      (
        await database.script<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE by_ids('{gen_young1}')`)
      ).rows
        .map((row) => row['QUERY PLAN'])
        .join('\n');
    expect(await plan()).toContain('Seq Scan on generations');
    await insertJobs(database, 'grown', 5000);
    // Still the plan made when the table was young.
    expect(await plan()).toContain('Seq Scan on generations');
    const statistics = new TableStatistics({
      database,
      tables: ['generations'],
      intervalMs: 1000,
      onError: (error) => {
        throw error;
      },
    });
    expect(await statistics.tick()).toEqual(['generations']);
    const replanned = await plan();
    expect(replanned).not.toContain('Seq Scan');
    expect(replanned).toContain('Index Scan on generations_pkey');
    await database.script(`DEALLOCATE by_ids; RESET plan_cache_mode`);
  });
});
