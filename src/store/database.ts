/** The result of one SQL statement. */
export interface QueryResult<Row> {
  rows: Row[];
  /** Rows affected (UPDATE/DELETE/INSERT) or returned. */
  rowCount: number;
}

/** Anything that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>>;
}

/** Options of one `listen` subscription. */
export interface ListenOptions {
  /**
   * Called when notifications resume after the LISTEN connection was lost (PostgreSQL only):
   * whatever was NOTIFYed meanwhile is gone, so a cache of shared rows reloads here.
   */
  onReconnect?: () => void;
}

/**
 * PostgreSQL or embedded PGlite behind one small interface. Both run the same SQL and the same
 * migrations; only connection handling differs.
 */
export interface Database extends Queryable {
  /** Which backend this is. */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in a transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs SQL without parameters through the simple protocol, so it may hold several
   * statements; returns the last statement's result.
   */
  script<Row = Record<string, unknown>>(text: string): Promise<QueryResult<Row>>;
  /** Subscribes to a NOTIFY channel; resolves to an unsubscribe function. */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    options?: ListenOptions,
  ): Promise<() => Promise<void>>;
  /** Whether NOTIFY delivery is in force now (false while PostgreSQL's LISTEN reconnects). */
  notificationsConnected(): boolean;
  /** Whether a write failed for want of disk space in the last few seconds (`/readyz`). */
  storageFull(): boolean;
  /** Closes connections. */
  close(): Promise<void>;
}
