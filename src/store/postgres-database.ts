import pg from 'pg';
import { DatabaseUnavailableError } from '../core/errors/index.js';
import type { Database, ListenOptions, QueryResult, Queryable } from './database.js';
import { DiskFullSignal } from './disk-full-signal.js';
import { asDatabaseError } from './is-transient-database-error.js';
import { isStalePlan } from './is-stale-plan.js';
import { PostgresNotificationListener } from './postgres-notification-listener.js';
import { PreparedStatementNames } from './prepared-statement-names.js';

function wrap(
  client: pg.Pool | pg.PoolClient,
  diskFull: DiskFullSignal,
  names: PreparedStatementNames,
  inTransaction: boolean,
): Queryable {
  async function run<Row>(
    text: string,
    values: unknown[] | undefined,
    name: string | undefined,
  ): Promise<QueryResult<Row>> {
    const result = await (name === undefined
      ? client.query(text, values)
      : client.query({ name, text, values }));
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  }
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const values = params ? [...params] : undefined;
      // Statements without parameters (BEGIN, COMMIT, fixed reads) cost little to plan and go
      // through the simple path; everything else is prepared once per connection.
      const name = values?.length ? names.nameFor(text) : undefined;
      try {
        return await run<Row>(text, values, name);
      } catch (error) {
        if (name !== undefined && isStalePlan(error)) {
          names.retire(text);
          // Inside a transaction the failed statement aborted it; `transaction` runs it again.
          if (inTransaction) throw error;
          try {
            return await run<Row>(text, values, undefined);
          } catch (retried) {
            throw diskFull.note(asDatabaseError(retried));
          }
        }
        throw diskFull.note(asDatabaseError(error));
      }
    },
  };
}

export interface PostgresOptions {
  /** `postgres://…` connection string. */
  connectionString: string;
  /** Pool size. */
  maxConnections?: number;
  /**
   * Distinct SQL texts run as named prepared statements; past it, unnamed (default 500). 0 turns
   * prepared statements off.
   */
  maxPreparedStatements?: number;
  /**
   * A connection failed outside any statement (an idle pooled client, a client in a
   * transaction, the LISTEN connection): logged by the caller, never thrown.
   */
  onConnectionError?: (error: unknown) => void;
}

/** A PostgreSQL server through a `pg` pool; LISTEN uses one dedicated connection. */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const onConnectionError = options.onConnectionError ?? (() => undefined);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 20,
    idleTimeoutMillis: 30_000,
    // pg waits forever by default; an unreachable server must fail requests (503), not hang them.
    connectionTimeoutMillis: 5000,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', onConnectionError);
  const probe = await pool.connect();
  probe.release();
  const listener = new PostgresNotificationListener({
    connectionString: options.connectionString,
    onError: onConnectionError,
  });

  /** A checked-out client, with the 'error' listener pg-pool removes while a client is out. */
  function checkout(): Promise<{ client: pg.PoolClient; broken: () => unknown }> {
    let failure: unknown;
    // A server that terminates this backend mid-transaction emits 'error' on the client; with
    // no listener that is an unhandled 'error' event and the process dies. The statement in
    // flight rejects on its own; this only remembers that the client must not go back.
    const onError = (error: unknown) => {
      failure ??= error;
      onConnectionError(error);
    };
    return new Promise((resolve, reject) => {
      // The callback form, not the promise: pg-pool hands a released client to the next waiter
      // while still parsing that client's socket chunk, and a 57P01 later in the same chunk is
      // emitted before a promise continuation could attach the listener (measured: 14–23
      // uncaught exceptions per run of the connection-loss test). The callback runs at once.
      pool.connect((error, client) => {
        if (error || !client) {
          reject(asDatabaseError(error ?? new Error('no client')));
          return;
        }
        client.on('error', onError);
        const release = client.release.bind(client);
        client.release = (destroy?: boolean | Error) => {
          client.removeListener('error', onError);
          return release(destroy ?? (failure === undefined ? undefined : true));
        };
        resolve({ client, broken: () => failure });
      });
    });
  }

  const diskFull = new DiskFullSignal();
  const names = new PreparedStatementNames(options.maxPreparedStatements ?? 500);
  const base = wrap(pool, diskFull, names, false);

  async function transactionOnce<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
    let { client, broken } = await checkout();
    try {
      await client.query('BEGIN');
    } catch {
      // The pool may hand out a client whose backend was terminated a moment ago; nothing
      // has run yet, so one more try on a fresh connection is always safe.
      client.release(true);
      ({ client, broken } = await checkout());
      try {
        await client.query('BEGIN');
      } catch (error) {
        client.release(true);
        throw asDatabaseError(error);
      }
    }
    let connectionLost = false;
    try {
      const result = await work(wrap(client, diskFull, names, true));
      await wrap(client, diskFull, names, true).query('COMMIT');
      return result;
    } catch (error) {
      const mapped = isStalePlan(error) ? error : asDatabaseError(error);
      connectionLost = mapped instanceof DatabaseUnavailableError || broken() !== undefined;
      if (!connectionLost) await client.query('ROLLBACK').catch(() => undefined);
      throw mapped;
    } finally {
      // A client whose connection died is destroyed, never handed to the next caller.
      client.release(connectionLost ? true : undefined);
    }
  }

  return {
    kind: 'postgres',
    query: base.query,
    async transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
      try {
        return await transactionOnce(work);
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        // A prepared statement went stale under a migration and aborted the transaction, which
        // rolled back: nothing of it happened, so it runs once more, its statement re-prepared.
        try {
          return await transactionOnce(work);
        } catch (again) {
          throw diskFull.note(asDatabaseError(again));
        }
      }
    },
    async script<Row>(text: string): Promise<QueryResult<Row>> {
      // A multi-statement simple query answers with one result per statement.
      let result: pg.QueryResult | pg.QueryResult[];
      try {
        result = await pool.query(text);
      } catch (error) {
        throw diskFull.note(asDatabaseError(error));
      }
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return {
        rows: (last?.rows ?? []) as Row[],
        rowCount: last?.rowCount ?? last?.rows.length ?? 0,
      };
    },
    async listen(
      channel: string,
      onMessage: (payload: string) => void,
      listenOptions?: ListenOptions,
    ) {
      return listener.subscribe(channel, { onMessage, onReconnect: listenOptions?.onReconnect });
    },
    notificationsConnected: () => listener.connected(),
    storageFull: () => diskFull.recentlyFull(),
    async close(): Promise<void> {
      await listener.close();
      await pool.end();
    },
  };
}
