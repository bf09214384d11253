import pg from 'pg';
import { ensurePgliteTemplate } from './pglite-template.js';

/**
 * Tests run against the machine's PostgreSQL as well as PGlite. An unreachable server fails
 * the run (never a silent skip); `.ci/run` starts it first.
 */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is required for the tests (${url}): ${(error as Error).message}. Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  process.env.TEST_DATABASE_URL = url;
  // Once, before any worker starts one: the initialised PGlite cluster test gateways copy.
  await ensurePgliteTemplate();
}
