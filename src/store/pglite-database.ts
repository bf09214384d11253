import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './database.js';
import { DiskFullSignal } from './disk-full-signal.js';
import { isStalePlan } from './is-stale-plan.js';
import { asDatabaseError } from './is-transient-database-error.js';
import { PglitePreparedStatements } from './pglite-prepared-statements.js';
import { PreparedStatementNames } from './prepared-statement-names.js';

interface PGliteLike {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
}

function wrap(
  pglite: PGlite,
  client: PGliteLike,
  diskFull: DiskFullSignal,
  statements: PglitePreparedStatements,
  inTransaction: boolean,
): Queryable {
  async function unnamed<Row>(text: string, values: unknown[] | undefined) {
    const result = await client.query<Row>(text, values);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  }
  async function named<Row>(name: string, text: string, values: readonly unknown[]) {
    await pglite._checkReady();
    // The locks `PGlite.query` takes: a statement outside a transaction must wait for an open
    // one to end (it would otherwise run inside it); inside, the transaction holds that lock.
    const run = () => pglite.runExclusive(() => statements.run<Row>(name, text, values));
    if (inTransaction) return run();
    const result = await pglite._runExclusiveTransaction(run);
    await pglite.syncToFs();
    return result;
  }
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const values = params ? [...params] : undefined;
      // As on PostgreSQL: statements with parameters are the repeated ones worth preparing.
      const name = values?.length ? statements.nameFor(text) : undefined;
      try {
        return await (name === undefined
          ? unnamed<Row>(text, values)
          : named<Row>(name, text, values ?? []));
      } catch (error) {
        if (name !== undefined && isStalePlan(error)) {
          statements.retire(text);
          // Inside a transaction the failed statement aborted it; `transaction` runs it again.
          if (inTransaction) throw error;
          try {
            return await unnamed<Row>(text, values);
          } catch (retried) {
            throw diskFull.note(asDatabaseError(retried));
          }
        }
        // A full data directory is SQLSTATE 53100 here too: 507 storage_full, not a 500.
        throw diskFull.note(asDatabaseError(error));
      }
    },
  };
}

export interface PgliteOptions {
  /** Distinct SQL texts run as named prepared statements (default 500); 0 turns them off. */
  maxPreparedStatements?: number;
}

/**
 * Embedded PostgreSQL (PGlite) in this process. One connection: statements and transactions
 * are serialised, which is why PGlite suits one gateway process and PostgreSQL suits many.
 */
export async function openPgliteDatabase(
  dataDir: string | undefined,
  options: PgliteOptions = {},
): Promise<Database> {
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const diskFull = new DiskFullSignal();
  const statements = new PglitePreparedStatements(
    pglite,
    new PreparedStatementNames(options.maxPreparedStatements ?? 500),
  );
  const base = wrap(pglite, pglite, diskFull, statements, false);
  const transactionOnce = <T>(work: (transaction: Queryable) => Promise<T>): Promise<T> =>
    pglite.transaction(async (transaction) =>
      work(wrap(pglite, transaction, diskFull, statements, true)),
    );
  return {
    kind: 'pglite',
    query: base.query,
    async transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
      try {
        try {
          return await transactionOnce(work);
        } catch (error) {
          if (!isStalePlan(error)) throw error;
          // A prepared statement went stale under a migration and aborted the transaction, which
          // rolled back: nothing of it happened, so it runs once more, its statement re-prepared.
          return await transactionOnce(work);
        }
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
