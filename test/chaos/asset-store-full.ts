import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
 * The local asset store's disk fills up (a small tmpfs holding the data directory, filled with
 * `fallocate`; needs root) while jobs run on PostgreSQL, then space is freed again.
 */
export async function runAssetStoreFull({
  jobs = 30,
  fullForMs = 3000,
} = {}): Promise<ChaosResult> {
  const database = await scenarioDatabase();
  const mountPoint = await mkdtemp(path.join(os.tmpdir(), 'switchyard-chaos-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]);
  const dataDir = path.join(mountPoint, 'data');
  await mkdir(dataDir);
  const gateway = await startGatewayProcess({
    databaseUrl: database.url,
    dataDir,
    config: {
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 100, p95: 300 } }],
      jobs: { pollInitialMs: 200, pollMaxMs: 1000, maintenanceIntervalSeconds: 1 },
    },
    // The free-disk floor (default 512 MiB, more than this 16 MiB disk) would refuse every job
    // up front; this scenario is about writes that fail on a disk that really is full.
    env: { SWITCHYARD_MIN_FREE_DISK_MB: '0' },
  });
  const filler = path.join(mountPoint, 'filler');
  try {
    const free = Number(
      execFileSync('df', ['-k', '--output=avail', mountPoint]).toString().split('\n')[1],
    );
    execFileSync('fallocate', ['-l', `${free}k`, filler]);
    const ledger = new ClientLedger();
    await Promise.all(
      Array.from({ length: jobs }, (_, index) =>
        ledger.post(`${gateway.url}/v1/generations`, sampleImage(`disk ${index}`)),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, fullForMs));
    const { rows } = await database.sql.query<{
      status: string;
      error: string | null;
      count: number;
    }>(
      `SELECT status, error->>'code' AS error, count(*)::int AS count FROM generations WHERE id = ANY($1) GROUP BY 1, 2`,
      [ledger.accepted],
    );
    await unlink(filler);
    const freedAt = Date.now();
    const recoveryMs = await timeToServe(gateway.url, freedAt);
    const outcome = await settle(database.sql, ledger.accepted, 60_000);
    return {
      scenario: 'asset store disk full, then freed',
      accepted: ledger.accepted.length,
      finished: outcome.finished,
      duplicates: outcome.duplicates,
      clientErrors: ledger.errors,
      recoveryMs,
      notes: `while full: ${rows.map((row) => `${row.count} ${row.status}${row.error ? ` (${row.error})` : ''}`).join(', ')}`,
    };
  } finally {
    await unlink(filler).catch(() => undefined);
    if (gateway.child.exitCode === null) await gateway.stop();
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
    await database.close();
  }
}
