import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './database.js';

interface PGliteLike {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
}

function wrap(client: PGliteLike): Queryable {
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query<Row>(text, params ? [...params] : undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
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
  const base = wrap(pglite);
  return {
    kind: 'pglite',
    query: base.query,
    async transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction(async (transaction) => work(wrap(transaction)));
    },
    async script<Row>(text: string): Promise<QueryResult<Row>> {
      const results = await pglite.exec(text);
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
    async close(): Promise<void> {
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** The raw PGlite handle is needed by pg-boss's in-process mode. */
export type { PGlite };
