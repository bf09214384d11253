import { startGatewayProcess } from '../helpers/gateway-process.js';
import {
  ClientLedger,
  sampleImage,
  scenarioDatabase,
  settle,
  timeToServe,
  type ChaosResult,
} from './chaos-harness.js';

const config = {
  providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 800, p95: 2000 } }],
  jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 200, pollMaxMs: 1000 },
};

/** kill -9 in the middle of a burst of posts; the harness restarts it, as a supervisor would. */
export async function runKillDuringBurst({
  clients = 8,
  killAfterMs = 1500,
} = {}): Promise<ChaosResult> {
  const database = await scenarioDatabase();
  const first = await startGatewayProcess({
    databaseUrl: database.url,
    dataDir: database.dataDir,
    config,
  });
  let second: Awaited<ReturnType<typeof startGatewayProcess>> | undefined;
  try {
    const ledger = new ClientLedger();
    let posting = true;
    const load = Array.from({ length: clients }, async (_, client) => {
      for (let index = 0; posting; index++)
        await ledger.post(`${first.url}/v1/generations`, sampleImage(`burst ${client} ${index}`));
    });
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    await first.kill9();
    const killedAt = Date.now();
    posting = false;
    await Promise.all(load);
    second = await startGatewayProcess({
      databaseUrl: database.url,
      dataDir: database.dataDir,
      config,
    });
    const recoveryMs = await timeToServe(second.url, killedAt);
    const outcome = await settle(database.sql, ledger.accepted);
    return {
      scenario: 'kill -9 during a burst, restarted',
      accepted: ledger.accepted.length,
      finished: outcome.finished,
      duplicates: outcome.duplicates,
      clientErrors: ledger.errors,
      recoveryMs,
      notes: 'recovery includes the restart (process start ≈ most of it)',
    };
  } finally {
    if (second && second.child.exitCode === null) await second.stop();
    await database.close();
  }
}
