import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from './database.js';
import { openPgliteDatabase } from './pglite-database.js';

/**
 * Pins what the PGlite wrapper relies on beyond `PGlite.query`: protocol batches through
 * `execProtocolStream`, PGlite's serialisers and parsers, and its two locks.
 */

const parseByte = 'P'.charCodeAt(0);

/** Parse messages sent to PGlite, by statement name ('' for unnamed). */
function parsesOf(spy: { mock: { calls: unknown[][] } }): string[] {
  const names: string[] = [];
  for (const [message] of spy.mock.calls) {
    if (!(message instanceof Uint8Array) || message[0] !== parseByte) continue;
    const end = message.indexOf(0, 5);
    names.push(new TextDecoder().decode(message.subarray(5, end)));
  }
  return names;
}

describe('PGlite prepared statements', () => {
  let database: Database;
  let spy: ReturnType<typeof vi.spyOn>;

  beforeEach(async () => {
    spy = vi.spyOn(PGlite.prototype, 'execProtocolStream');
    database = await openPgliteDatabase(undefined);
    await database.script(
      `CREATE TABLE items (id int PRIMARY KEY, body jsonb, at timestamptz, tags text[])`,
    );
    spy.mockClear();
  });

  afterEach(async () => {
    await database.close();
    spy.mockRestore();
  });

  it('parses a statement once and parses rows and parameters as PGlite.query does', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const insert = `INSERT INTO items (id, body, at, tags) VALUES ($1, $2, $3, $4)`;
    for (const id of [1, 2, 3])
      await database.query(insert, [id, { n: id, nested: [true] }, at, ['a', `b${id}`]]);
    const select = `SELECT id, body, at, tags FROM items WHERE id = $1`;
    const first = await database.query(select, [2]);
    const second = await database.query(select, [3]);

    expect(first.rows).toEqual([{ id: 2, body: { n: 2, nested: [true] }, at, tags: ['a', 'b2'] }]);
    expect(second.rows[0]).toMatchObject({ id: 3, tags: ['a', 'b3'] });
    const parses = parsesOf(spy);
    expect(parses).toHaveLength(2);
    expect(parses.every((name) => name.length > 0)).toBe(true);
    expect((await database.query(`DELETE FROM items WHERE id > $1`, [1])).rowCount).toBe(2);
  });

  it('re-prepares a statement whose result type changed under it', async () => {
    const select = `SELECT * FROM items WHERE id = $1`;
    await database.query(`INSERT INTO items (id) VALUES ($1)`, [1]);
    expect(Object.keys((await database.query(select, [1])).rows[0] ?? {})).toHaveLength(4);
    await database.script(`ALTER TABLE items ADD COLUMN extra text DEFAULT 'x'`);

    const after = await database.query<{ extra: string }>(select, [1]);
    expect(after.rows[0]?.extra).toBe('x');
    // Prepared again under a fresh name, which later calls reuse.
    await database.query(select, [1]);
    const named = parsesOf(spy).filter((name) => name.length > 0);
    expect(new Set(named).size).toBe(3);
  });

  it('re-runs a transaction whose prepared statement went stale', async () => {
    const select = `SELECT * FROM items WHERE id = $1`;
    await database.query(`INSERT INTO items (id) VALUES ($1)`, [1]);
    await database.query(select, [1]);
    await database.script(`ALTER TABLE items ADD COLUMN extra text DEFAULT 'y'`);
    let runs = 0;
    const extra = await database.transaction(async (transaction) => {
      runs += 1;
      await transaction.query(`UPDATE items SET at = now() WHERE id = $1`, [1]);
      return (await transaction.query<{ extra: string }>(select, [1])).rows[0]?.extra;
    });
    expect(extra).toBe('y');
    expect(runs).toBe(2);
  });

  it('runs prepared statements inside transaction() and rolls them back with it', async () => {
    const insert = `INSERT INTO items (id) VALUES ($1)`;
    await expect(
      database.transaction(async (transaction) => {
        await transaction.query(insert, [1]);
        await transaction.query(insert, [2]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await database.transaction(async (transaction) => transaction.query(insert, [3]));
    const rows = await database.query<{ id: number }>(`SELECT id FROM items WHERE id > $1`, [0]);
    expect(rows.rows).toEqual([{ id: 3 }]);
  });

  it('keeps a statement outside a transaction out of an open one', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const transaction = database
      .transaction(async (open) => {
        await open.query(`INSERT INTO items (id) VALUES ($1)`, [1]);
        entered();
        await held;
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');
    await inside;
    const outside = database.query(`INSERT INTO items (id) VALUES ($1)`, [2]);
    release();
    expect(await transaction).toBe('rolled back');
    await outside;
    const rows = await database.query<{ id: number }>(`SELECT id FROM items WHERE id > $1`, [0]);
    expect(rows.rows).toEqual([{ id: 2 }]);
  });

  it('leaves the session usable after errors at parse and at execution', async () => {
    const broken = `SELECT nope FROM items WHERE id = $1`;
    for (let attempt = 0; attempt < 2; attempt += 1)
      await expect(database.query(broken, [1])).rejects.toMatchObject({ code: '42703' });
    const insert = `INSERT INTO items (id) VALUES ($1)`;
    await database.query(insert, [1]);
    await expect(database.query(insert, [1])).rejects.toMatchObject({
      code: '23505',
      query: insert,
    });
    await expect(
      database.transaction(async (transaction) => transaction.query(insert, [1])),
    ).rejects.toMatchObject({ code: '23505' });
    expect(
      (await database.query(`SELECT count(*)::int AS n FROM items WHERE id = $1`, [1])).rows,
    ).toEqual([{ n: 1 }]);
  });

  it('uses unnamed statements only when prepared statements are off', async () => {
    const off = await openPgliteDatabase(undefined, { maxPreparedStatements: 0 });
    try {
      spy.mockClear();
      await off.query(`SELECT $1::int AS n`, [1]);
      await off.query(`SELECT $1::int AS n`, [2]);
      expect(parsesOf(spy)).toEqual(['', '']);
    } finally {
      await off.close();
    }
  });
});
