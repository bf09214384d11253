import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { openPostgresDatabase } from '../../src/store/postgres-database.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

/**
 * Statements with parameters run as named prepared statements (ADR 0021): bounded in number,
 * and one whose plan a migration made stale (0A000) runs again instead of failing.
 */
describe('prepared statements on PostgreSQL', () => {
  let url: string;
  let drop: () => Promise<void>;
  let database: Database;
  beforeAll(async () => {
    ({ url, drop } = await createPostgresDatabase());
    // One connection: every statement, and the pg_prepared_statements read, share one session.
    database = await openPostgresDatabase({
      connectionString: url,
      maxConnections: 1,
      maxPreparedStatements: 3,
    });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  const prepared = async () =>
    (
      await database.query<{ statement: string }>(
        'SELECT statement FROM pg_prepared_statements ORDER BY statement',
      )
    ).rows.map((row) => row.statement);

  it('should prepare each statement with parameters once, and no more than the bound', async () => {
    await database.script('CREATE TABLE bounded (id integer PRIMARY KEY, v integer)');
    for (let round = 0; round < 2; round += 1) {
      for (let index = 0; index < 5; index += 1) {
        const { rows } = await database.query<{ v: number }>(`SELECT $1::int + ${index} AS v`, [
          round,
        ]);
        expect(rows).toEqual([{ v: round + index }]);
      }
    }
    // Five texts, a bound of three: three prepared (once each, despite two rounds), two unnamed.
    expect(await prepared()).toEqual([
      'SELECT $1::int + 0 AS v',
      'SELECT $1::int + 1 AS v',
      'SELECT $1::int + 2 AS v',
    ]);
  });

  it('should prepare nothing with a bound of 0 (a pooler in transaction mode)', async () => {
    const unnamed = await openPostgresDatabase({
      connectionString: url,
      maxConnections: 1,
      maxPreparedStatements: 0,
    });
    try {
      const { rows } = await unnamed.query<{ v: number }>('SELECT $1::int + 100 AS v', [1]);
      expect(rows).toEqual([{ v: 101 }]);
      const named = await unnamed.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM pg_prepared_statements',
      );
      expect(named.rows).toEqual([{ count: 0 }]);
    } finally {
      await unnamed.close();
    }
  });

  it('should run a statement again when a column type changed under its plan', async () => {
    // The bound is spent by the test above; a fresh instance on the same database.
    const fresh = await openPostgresDatabase({ connectionString: url, maxConnections: 1 });
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await fresh.script(
        'CREATE TABLE drifting (id integer PRIMARY KEY, v integer); INSERT INTO drifting VALUES (1, 7)',
      );
      const select = 'SELECT * FROM drifting WHERE id = $1';
      // The same situation through a bare named statement, to show the server refuses it.
      await other.query({ name: 'bare', text: select, values: [1] });

      expect((await fresh.query(select, [1])).rows).toEqual([{ id: 1, v: 7 }]);
      expect(
        await fresh.transaction(async (transaction) => (await transaction.query(select, [1])).rows),
      ).toEqual([{ id: 1, v: 7 }]);

      // Another instance's migration.
      await other.query('ALTER TABLE drifting ALTER COLUMN v TYPE text');
      await expect(other.query({ name: 'bare', text: select, values: [1] })).rejects.toMatchObject({
        code: '0A000',
        message: 'cached plan must not change result type',
      });

      expect((await fresh.query(select, [1])).rows).toEqual([{ id: 1, v: '7' }]);
      // Prepared again under a new name, with the new type.
      expect((await fresh.query(select, [1])).rows).toEqual([{ id: 1, v: '7' }]);

      await other.query('ALTER TABLE drifting ALTER COLUMN v TYPE bigint USING v::bigint');
      // Inside a transaction the refusal aborts it: the whole transaction runs once more.
      let runs = 0;
      const rows = await fresh.transaction(async (transaction) => {
        runs += 1;
        await transaction.query('UPDATE drifting SET id = id WHERE id = $1', [1]);
        return (await transaction.query(select, [1])).rows;
      });
      expect(rows).toEqual([{ id: 1, v: '7' }]);
      expect(runs).toBe(2);
      expect((await fresh.query(select, [1])).rows).toEqual([{ id: 1, v: '7' }]);
    } finally {
      await other.end();
      await fresh.close();
    }
  });
});
