import pg from 'pg';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import {
  ClientLedger,
  sampleImage,
  scenarioDatabase,
  settle,
  timeToServe,
  type ChaosResult,
} from './chaos-harness.js';

/**
 * Every backend of the gateway's database terminated (what a PostgreSQL restart sends) again and
 * again while clients post; only this scenario's database is touched, never the server.
 */
export async function runPostgresTerminations({
  clients = 8,
  rounds = 20,
  intervalMs = 250,
} = {}): Promise<ChaosResult> {
  const database = await scenarioDatabase();
  const maintenance = new URL(database.url);
  maintenance.pathname = '/postgres';
  const superuser = new pg.Client({ connectionString: maintenance.toString() });
  await superuser.connect();
  const sqlPid = (await database.sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
    .rows[0]!.pid;
  const gateway = await startGatewayProcess({
    databaseUrl: database.url,
    dataDir: database.dataDir,
    config: {
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 200, p95: 600 } }],
      jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 200, pollMaxMs: 1000 },
    },
  });
  try {
    const ledger = new ClientLedger();
    let posting = true;
    const load = Array.from({ length: clients }, async (_, client) => {
      for (let index = 0; posting; index++)
        await ledger.post(
          `${gateway.url}/v1/generations`,
          sampleImage(`client ${client} job ${index}`),
        );
    });
    let terminated = 0;
    for (let round = 0; round < rounds; round++) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      const { rows } = await superuser.query<{ count: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS count FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2`,
        [database.name, sqlPid],
      );
      terminated += rows[0]!.count;
    }
    const faultEnded = Date.now();
    posting = false;
    await Promise.all(load);
    const recoveryMs = await timeToServe(gateway.url, faultEnded);
    const outcome = await settle(database.sql, ledger.accepted);
    return {
      scenario: `PostgreSQL backends terminated ×${rounds}`,
      accepted: ledger.accepted.length,
      finished: outcome.finished,
      duplicates: outcome.duplicates,
      clientErrors: ledger.errors,
      recoveryMs,
      notes: `${terminated} backends terminated; process ${gateway.child.exitCode === null ? 'up throughout' : `exited ${gateway.child.exitCode}`}`,
    };
  } finally {
    if (gateway.child.exitCode === null) await gateway.stop();
    await superuser.end().catch(() => undefined);
    await database.close();
  }
}
