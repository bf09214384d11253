import type { BenchDatabase } from './bench-database.js';

/** Cumulative statistics PostgreSQL keeps for one database (`pg_stat_database`, tables). */
export interface ActivitySnapshot {
  /** Committed transactions; every autocommit statement counts as one. */
  commits: number;
  rollbacks: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  /** Rows returned by scans (sequential and index): how much reading the queries did. */
  rowsScanned: number;
  /** Per table (`schema.table`): inserts, updates, deletes, sequential scans. */
  tables: Record<string, { inserted: number; updated: number; deleted: number; seqScans: number }>;
}

/**
 * Reads the counters. PostgreSQL 15 flushes a backend's counters at most once a second, so
 * wait ~1.5 s after the load stops before the closing snapshot.
 */
export async function activitySnapshot(database: BenchDatabase): Promise<ActivitySnapshot> {
  const [row] = await database.rows<{
    xact_commit: string;
    xact_rollback: string;
    tup_inserted: string;
    tup_updated: string;
    tup_deleted: string;
    tup_returned: string;
  }>(
    `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const tables = await database.rows<{
    name: string;
    n_tup_ins: string;
    n_tup_upd: string;
    n_tup_del: string;
    seq_scan: string;
  }>(
    `SELECT schemaname || '.' || relname AS name, n_tup_ins, n_tup_upd, n_tup_del, seq_scan
       FROM pg_stat_user_tables`,
  );
  return {
    commits: Number(row?.xact_commit ?? 0),
    rollbacks: Number(row?.xact_rollback ?? 0),
    rowsInserted: Number(row?.tup_inserted ?? 0),
    rowsUpdated: Number(row?.tup_updated ?? 0),
    rowsDeleted: Number(row?.tup_deleted ?? 0),
    rowsScanned: Number(row?.tup_returned ?? 0),
    tables: Object.fromEntries(
      tables.map((table) => [
        table.name,
        {
          inserted: Number(table.n_tup_ins),
          updated: Number(table.n_tup_upd),
          deleted: Number(table.n_tup_del),
          seqScans: Number(table.seq_scan),
        },
      ]),
    ),
  };
}

/** Database work per unit (per job, per request) between two snapshots. */
export interface ActivityPerUnit {
  units: number;
  commits: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsScanned: number;
  /** Busiest tables by rows written per unit, busiest first. */
  tables: { table: string; inserted: number; updated: number; deleted: number; seqScans: number }[];
}

/** Divides the change between two snapshots by `units`. */
export function activityPerUnit(
  before: ActivitySnapshot,
  after: ActivitySnapshot,
  units: number,
): ActivityPerUnit {
  const per = (a: number, b: number) => (units > 0 ? Math.round(((b - a) / units) * 100) / 100 : 0);
  const tables = Object.entries(after.tables)
    .map(([table, counts]) => {
      const earlier = before.tables[table] ?? { inserted: 0, updated: 0, deleted: 0, seqScans: 0 };
      return {
        table,
        inserted: per(earlier.inserted, counts.inserted),
        updated: per(earlier.updated, counts.updated),
        deleted: per(earlier.deleted, counts.deleted),
        seqScans: per(earlier.seqScans, counts.seqScans),
      };
    })
    .filter((table) => table.inserted + table.updated + table.deleted + table.seqScans > 0)
    .sort(
      (left, right) =>
        right.inserted +
        right.updated +
        right.deleted -
        (left.inserted + left.updated + left.deleted),
    );
  return {
    units,
    commits: per(before.commits, after.commits),
    rowsInserted: per(before.rowsInserted, after.rowsInserted),
    rowsUpdated: per(before.rowsUpdated, after.rowsUpdated),
    rowsDeleted: per(before.rowsDeleted, after.rowsDeleted),
    rowsScanned: per(before.rowsScanned, after.rowsScanned),
    tables,
  };
}

/** Process ids of the server backends connected to this database (not the bench's own). */
export async function backendPids(database: BenchDatabase): Promise<number[]> {
  const rows = await database.rows<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows.map((row) => row.pid);
}
