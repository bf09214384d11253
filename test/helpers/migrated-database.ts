import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../src/store/database.js';
import { openDatabase } from '../../src/store/open-database.js';
import { runMigrations } from '../../src/store/run-migrations.js';
import { freshPgliteDataDir } from './pglite-template.js';
import { createPostgresDatabase, type Backend } from './test-database.js';

/**
 * A fresh, migrated database for one store test file: a new PGlite cluster copied from the
 * template, or a new PostgreSQL database. `close()` removes it.
 */
export async function openMigratedDatabase(
  backend: Backend,
): Promise<{ database: Database; close: () => Promise<void> }> {
  if (backend === 'postgres') {
    const created = await createPostgresDatabase();
    const database = await openDatabase({ databaseUrl: created.url, dataDir: '.' });
    await runMigrations(database);
    return {
      database,
      async close() {
        await database.close();
        await created.drop();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-store-test-'));
  await freshPgliteDataDir(dataDir);
  const database = await openDatabase({ dataDir });
  await runMigrations(database);
  return {
    database,
    async close() {
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
