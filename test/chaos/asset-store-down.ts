import { JobBody } from '../helpers/api-schemas.js';
import { getJson } from '../helpers/http-client.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { startS3TestServer } from '../helpers/s3-test-server.js';
import {
  ClientLedger,
  eventually,
  sampleImage,
  scenarioDatabase,
  settle,
  timeToServe,
  type ChaosResult,
} from './chaos-harness.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The S3 asset store goes down in the middle of a burst: a gateway process on PostgreSQL with
 * `SWITCHYARD_ASSET_STORE=s3://…` pointing at an s3rver on loopback, half the jobs posted, the
 * server stopped (open connections cut), the other half posted, then after `downForMs` the
 * server started again on the same port and directory. Every accepted job must end, and jobs
 * whose results the provider still holds must be stored once the bucket is back.
 */
export async function runAssetStoreDown({
  jobs = 30,
  downForMs = 10_000,
} = {}): Promise<ChaosResult> {
  const database = await scenarioDatabase();
  const s3 = await startS3TestServer();
  const gateway = await startGatewayProcess({
    databaseUrl: database.url,
    dataDir: database.dataDir,
    config: {
      // Latencies up to a few seconds, so results keep completing through the outage.
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 800, p95: 3000 } }],
      jobs: { pollInitialMs: 200, pollMaxMs: 1000, maintenanceIntervalSeconds: 1 },
      storage: { healthCacheSeconds: 1 },
    },
    env: s3.env(),
  });
  try {
    const ledger = new ClientLedger();
    const post = (from: number, count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, index) =>
          ledger.post(`${gateway.url}/v1/generations`, sampleImage(`bucket ${from + index}`)),
        ),
      );
    const before = Math.ceil(jobs / 2);
    await post(0, before);
    await s3.stop();
    const stoppedAt = Date.now();
    await post(before, jobs - before);
    const notReady = await eventually(
      '/readyz to report the bucket down',
      async () => {
        const response = await getJson(`${gateway.url}/readyz`);
        return response.status === 503 ? Date.now() - stoppedAt : undefined;
      },
      downForMs,
    ).catch(() => undefined);
    const firstFailure = await eventually(
      'a job to fail with storage_unavailable',
      async () => {
        const { rows } = await database.sql.query(
          `SELECT 1 FROM generations WHERE id = ANY($1) AND error->>'code' = 'storage_unavailable' LIMIT 1`,
          [ledger.accepted],
        );
        return rows.length ? Date.now() - stoppedAt : undefined;
      },
      Math.max(0, downForMs - (Date.now() - stoppedAt)),
    ).catch(() => undefined);
    const remaining = downForMs - (Date.now() - stoppedAt);
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
    const { rows: whileDown } = await database.sql.query<{
      status: string;
      error: string | null;
      count: number;
    }>(
      `SELECT status, error->>'code' AS error, count(*)::int AS count FROM generations
       WHERE id = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`,
      [ledger.accepted],
    );
    await s3.start();
    const startedAt = Date.now();
    const recoveryMs = await timeToServe(gateway.url, startedAt);
    const outcome = await settle(database.sql, ledger.accepted, 120_000);
    const { rows: failures } = await database.sql.query<{ error: string; count: number }>(
      `SELECT error->>'code' AS error, count(*)::int AS count FROM generations
       WHERE id = ANY($1) AND status = 'failed' GROUP BY 1 ORDER BY 1`,
      [ledger.accepted],
    );
    // Stored means readable: every succeeded job's first output, from the bucket that was down.
    let readable = 0;
    for (const id of ledger.accepted) {
      const job = JobBody.safeParse((await getJson(`${gateway.url}/v1/generations/${id}`)).body);
      const url = job.data?.status === 'succeeded' ? job.data.outputs[0]?.url : undefined;
      if (url && (await fetch(url)).status === 200) readable += 1;
    }
    const describe = (row: { status?: string; error: string | null; count: number }) =>
      `${row.count} ${row.status ?? 'failed'}${row.error ? ` (${row.error})` : ''}`;
    return {
      scenario: `asset store (S3) down for ${seconds(downForMs)} mid-burst, then back`,
      accepted: ledger.accepted.length,
      finished: outcome.finished,
      duplicates: outcome.duplicates,
      clientErrors: ledger.errors,
      recoveryMs,
      notes: [
        `/readyz 503 ${notReady === undefined ? 'never' : `${seconds(notReady)} after the stop`}`,
        `first storage_unavailable ${firstFailure === undefined ? 'never' : `after ${seconds(firstFailure)}`}`,
        `while down: ${whileDown.map(describe).join(', ')}`,
        failures.length ? `failed: ${failures.map(describe).join(', ')}` : 'none failed',
        `outputs readable afterwards: ${readable} of ${outcome.finished.succeeded ?? 0}`,
        outcome.unfinished ? `${outcome.unfinished} never finished` : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
  } finally {
    if (gateway.child.exitCode === null) await gateway.stop();
    await s3.close();
    await database.close();
  }
}
