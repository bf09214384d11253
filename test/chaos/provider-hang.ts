import { getJson } from '../helpers/http-client.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import {
  ClientLedger,
  sampleImage,
  scenarioDatabase,
  settle,
  timeToServe,
  type ChaosResult,
} from './chaos-harness.js';

const adminKey = 'chaos-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
/** Ten minutes: to a job with a 5 s deadline, a provider that never finishes. */
const hangMs = 600_000;

/**
 * The only provider stops finishing anything (the simulator's latency set to ten minutes): each
 * job must end at its own deadline, the gateway must keep answering meanwhile, and once the
 * provider is back new jobs succeed without anyone restarting anything.
 */
export async function runProviderHang({ jobs = 20 } = {}): Promise<ChaosResult> {
  const database = await scenarioDatabase();
  const gateway = await startGatewayProcess({
    databaseUrl: database.url,
    dataDir: database.dataDir,
    config: {
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: hangMs, p95: hangMs } }],
      jobs: { pollInitialMs: 200, pollMaxMs: 1000, maintenanceIntervalSeconds: 1 },
    },
    env: { SWITCHYARD_ADMIN_KEY: adminKey },
  });
  try {
    const ledger = new ClientLedger();
    await Promise.all(
      Array.from({ length: jobs }, (_, index) =>
        ledger.post(
          `${gateway.url}/v1/generations`,
          { ...sampleImage(`hung ${index}`), timeout_seconds: 5 },
          admin,
        ),
      ),
    );
    // While every job hangs, the API still answers (and, for the printed figures, how fast).
    let answered = 0;
    let slow = 0;
    for (let probe = 0; probe < 10; probe++) {
      const started = Date.now();
      if ((await getJson(`${gateway.url}/healthz`)).status === 200) answered += 1;
      if (Date.now() - started > 1000) slow += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const outcome = await settle(database.sql, ledger.accepted, 60_000);
    const patched = await fetch(`${gateway.url}/admin/providers/simulator`, {
      method: 'PATCH',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: { p50: 50, p95: 100 } }),
    });
    const backAt = Date.now();
    if (patched.status !== 200) ledger.count(`${patched.status} provider patch`);
    const recoveryMs = await timeToServe(gateway.url, backAt, admin);
    return {
      scenario: 'provider hangs (never finishes)',
      accepted: ledger.accepted.length,
      finished: outcome.finished,
      duplicates: outcome.duplicates,
      clientErrors: ledger.errors,
      recoveryMs,
      notes: `health while hung: ${answered}/10 answered 200 (${slow} slower than 1 s); jobs end at their 5 s deadline`,
    };
  } finally {
    if (gateway.child.exitCode === null) await gateway.stop();
    await database.close();
  }
}
