import pg from 'pg';
import type { Database, QueryResult, Queryable } from './database.js';

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query(text, params ? [...params] : undefined);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

export interface PostgresOptions {
  /** `postgres://…` connection string. */
  connectionString: string;
  /** Pool size. */
  maxConnections?: number;
  /** Called when the LISTEN connection drops and is re-established. */
  onListenError?: (error: unknown) => void;
}

/** A PostgreSQL server through a `pg` pool; LISTEN uses one dedicated connection. */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 20,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const probe = await pool.connect();
  probe.release();

  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.Client | undefined;
  let closed = false;

  async function connectListener(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on('notification', (message) => {
      for (const handler of listeners.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      options.onListenError?.(error);
      listenClient = undefined;
      if (!closed) setTimeout(() => void reconnect(), 500).unref();
    });
    await client.connect();
    for (const channel of listeners.keys()) await client.query(`LISTEN "${channel}"`);
    return client;
  }

  async function reconnect(): Promise<void> {
    try {
      listenClient = await connectListener();
    } catch (error) {
      options.onListenError?.(error);
      if (!closed) setTimeout(() => void reconnect(), 1000).unref();
    }
  }

  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    async transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async script<Row>(text: string): Promise<QueryResult<Row>> {
      // A multi-statement simple query answers with one result per statement.
      const result: pg.QueryResult | pg.QueryResult[] = await pool.query(text);
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return {
        rows: (last?.rows ?? []) as Row[],
        rowCount: last?.rowCount ?? last?.rows.length ?? 0,
      };
    },
    async listen(channel: string, onMessage: (payload: string) => void) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
      let handlers = listeners.get(channel);
      if (!handlers) {
        handlers = new Set();
        listeners.set(channel, handlers);
        listenClient ??= await connectListener();
        await listenClient.query(`LISTEN "${channel}"`);
      }
      handlers.add(onMessage);
      return async () => {
        handlers.delete(onMessage);
      };
    },
    async close(): Promise<void> {
      closed = true;
      await listenClient?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
