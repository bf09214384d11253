import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './database.js';
import { DiskFullSignal } from './disk-full-signal.js';
import { asDatabaseError } from './is-transient-database-error.js';

interface PGliteLike {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
}

function wrap(client: PGliteLike, diskFull: DiskFullSignal): Queryable {
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      try {
        const result = await client.query<Row>(text, params ? [...params] : undefined);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } catch (error) {
        // A full data directory is SQLSTATE 53100 here too: 507 storage_full, not a 500.
        throw diskFull.note(asDatabaseError(error));
      }
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite) in this process. One connection: statements and transactions
 * are serialised, which is why PGlite suits one gateway process and PostgreSQL suits many.
 */
export async function openPgliteDatabase(dataDir: string | undefined): Promise<Database> {
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const diskFull = new DiskFullSignal();
  const base = wrap(pglite, diskFull);
  return {
    kind: 'pglite',
    query: base.query,
    async transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
      try {
        return await pglite.transaction(async (transaction) => work(wrap(transaction, diskFull)));
      } catch (error) {
        // COMMIT itself may be what finds the disk full.
        throw diskFull.note(asDatabaseError(error));
      }
    },
    async script<Row>(text: string): Promise<QueryResult<Row>> {
      let results;
      try {
        // Inside a transaction of PGlite's own, which rolls back when a statement fails: a
        // script that opens its own block (pg-boss's `BEGIN; …; COMMIT`) and fails half-way
        // would otherwise leave the one shared session in an aborted block, and every other
        // statement would fail with 25P02 until some later transaction happened to end it.
        results = await pglite.transaction(async (transaction) => transaction.exec(text));
      } catch (error) {
        throw diskFull.note(asDatabaseError(error));
      }
      const last = results[results.length - 1];
      return {
        rows: (last?.rows ?? []) as Row[],
        rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
      };
    },
    async listen(channel: string, onMessage: (payload: string) => void) {
      const unsubscribe = await pglite.listen(channel, onMessage);
      return async () => unsubscribe();
    },
    // In-process notifications cannot be lost.
    notificationsConnected: () => true,
    storageFull: () => diskFull.recentlyFull(),
    async close(): Promise<void> {
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** The raw PGlite handle is needed by pg-boss's in-process mode. */
export type { PGlite };
