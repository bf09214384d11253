import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server-level connection used to create and drop bench databases. */
const adminUrl = (): string =>
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PostgreSQL database for one benchmark run. */
export interface BenchDatabase {
  name: string;
  url: string;
  /** A small pool for the benchmark's own verification queries. */
  pool: pg.Pool;
  /** Runs one query and returns its rows (typed by the caller, as the gateway's own queries are). */
  rows<Row>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Closes the pool and drops the database (forcing out any connection still open). */
  drop(): Promise<void>;
}

/**
 * Creates `switchyard_bench_<random>` so that every run starts from empty tables and leftover
 * rows of an earlier run cannot skew counts.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `switchyard_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // An idle client's error (the database being dropped under it) must not crash the bench.
  pool.on('error', () => undefined);
  let dropped = false;
  return {
    name,
    url: url.toString(),
    pool,
    async rows<Row>(text: string, values?: unknown[]) {
      return (await pool.query(text, values)).rows as Row[];
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end().catch(() => undefined);
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
