import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { openDatabase } from '../../src/store/open-database.js';
import { loadMigrations, runMigrations } from '../../src/store/run-migrations.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

async function describeSchema(database: Database) {
  const columns = await database.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const indexes = await database.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
  );
  return { columns: columns.rows, indexes: indexes.rows };
}

/** One schema, one set of migrations, the same SQL on both backends. */
describe('migrations', () => {
  let postgres: Database;
  let pglite: Database;
  let created: Awaited<ReturnType<typeof createPostgresDatabase>>;
  beforeAll(async () => {
    created = await createPostgresDatabase();
    postgres = await openDatabase({ databaseUrl: created.url, dataDir: '.' });
    pglite = await openDatabase({ databaseUrl: 'memory://', dataDir: '.' });
  });
  afterAll(async () => {
    await postgres?.close();
    await pglite?.close();
    await created?.drop();
  });

  it('should apply every migration on both backends, once', async () => {
    const versions = (await loadMigrations()).map((migration) => migration.version);
    expect(await runMigrations(postgres)).toEqual(versions);
    expect(await runMigrations(pglite)).toEqual(versions);
    expect(await runMigrations(postgres)).toEqual([]);
    expect(await runMigrations(pglite)).toEqual([]);
  });

  it('should produce identical schemas on PostgreSQL and PGlite', async () => {
    const [onPostgres, onPglite] = await Promise.all([
      describeSchema(postgres),
      describeSchema(pglite),
    ]);
    expect(onPostgres.columns.length).toBeGreaterThan(20);
    expect(onPglite.columns).toEqual(onPostgres.columns);
    expect(onPglite.indexes).toEqual(onPostgres.indexes);
  });

  it('should let two processes migrate the same database concurrently', async () => {
    const fresh = await createPostgresDatabase();
    const [first, second] = await Promise.all([
      openDatabase({ databaseUrl: fresh.url, dataDir: '.' }),
      openDatabase({ databaseUrl: fresh.url, dataDir: '.' }),
    ]);
    try {
      const results = await Promise.all([runMigrations(first!), runMigrations(second!)]);
      expect(results.flat().sort()).toEqual(
        (await loadMigrations()).map((migration) => migration.version).sort(),
      );
    } finally {
      await first!.close();
      await second!.close();
      await fresh.drop();
    }
  });
});
