import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * pg-boss sends `BEGIN; …; COMMIT` as one script. One that fails half-way (a full disk, found by
 * the full-disk test) must not leave its session in an aborted block for the next statement:
 * PostgreSQL ends the block itself; PGlite's one shared session did not (25P02 → 500s).
 */
describe.each(['pglite', 'postgres'] as const)('a failed script on %s', (backend) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (backend === 'postgres') {
      const created = await createPostgresDatabase();
      // One connection: the next statement gets the very session the script failed on.
      database = await openDatabase({ databaseUrl: created.url, dataDir: '.', maxConnections: 1 });
      cleanup = created.drop;
    } else {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-failed-script-'));
      database = await openDatabase({ databaseUrl: 'memory://', dataDir });
      cleanup = () => rm(dataDir, { recursive: true, force: true });
    }
    await database.script('CREATE TABLE script_rows (id integer PRIMARY KEY)');
  });
  afterAll(async () => {
    await database?.close();
    await cleanup?.();
  });

  it('should roll its block back, so that the next statements run', async () => {
    await expect(
      database.script('BEGIN; INSERT INTO script_rows VALUES (1); SELECT 1 / 0; COMMIT'),
    ).rejects.toMatchObject({ code: '22012' });
    const { rows } = await database.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM script_rows',
    );
    expect(rows[0]!.count).toBe(0);
    await database.transaction(async (transaction) => {
      await transaction.query('INSERT INTO script_rows VALUES (2)');
    });
    expect((await database.query('SELECT id FROM script_rows')).rows).toEqual([{ id: 2 }]);
  });
});
