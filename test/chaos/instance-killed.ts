import { startGatewayProcess } from '../helpers/gateway-process.js';
import {
  ClientLedger,
  sampleImage,
  scenarioDatabase,
  settle,
  type ChaosResult,
} from './chaos-harness.js';

const config = {
  providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 800, p95: 2000 } }],
  jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 200, pollMaxMs: 1000 },
};

/**
 * Two instances on one PostgreSQL, clients on both; one is killed with -9 and never restarted:
 * the survivor must finish what the dead one had accepted (its leases expire), without a person.
 */
export async function runInstanceKilled({
  clients = 6,
  killAfterMs = 1500,
} = {}): Promise<ChaosResult> {
  const database = await scenarioDatabase();
  const instances = [
    await startGatewayProcess({ databaseUrl: database.url, dataDir: database.dataDir, config }),
    await startGatewayProcess({ databaseUrl: database.url, dataDir: database.dataDir, config }),
  ];
  const [victim, survivor] = instances as [(typeof instances)[0], (typeof instances)[0]];
  try {
    const ledger = new ClientLedger();
    let posting = true;
    const load = Array.from({ length: clients }, async (_, client) => {
      for (let index = 0; posting; index++) {
        const target = instances[(client + index) % 2]!;
        await ledger.post(`${target.url}/v1/generations`, sampleImage(`pair ${client} ${index}`));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    await victim.kill9();
    const killedAt = Date.now();
    posting = false;
    await Promise.all(load);
    const outcome = await settle(database.sql, ledger.accepted);
    return {
      scenario: 'two instances, one killed for good',
      accepted: ledger.accepted.length,
      finished: outcome.finished,
      duplicates: outcome.duplicates,
      clientErrors: ledger.errors,
      recoveryMs: outcome.unfinished === 0 ? Date.now() - killedAt : undefined,
      notes: `recovery = until the survivor finished every accepted job; survivor ${survivor.child.exitCode === null ? 'up' : 'exited'}`,
    };
  } finally {
    for (const instance of instances) if (instance.child.exitCode === null) await instance.stop();
    await database.close();
  }
}
