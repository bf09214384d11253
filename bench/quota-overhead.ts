import { createBenchDatabase } from './support/bench-database.js';
import { parseBenchArgs, sleep } from './support/cli.js';
import { coresUsed, cpuSnapshot } from './support/cpu.js';
import { startGatewayChild } from './support/gateway-child.js';
import { loadHeaders, loadRow, runLoad, type LoadResult } from './support/load.js';
import { backendPids } from './support/pg-activity.js';
import { note, printTable, writeResult } from './support/report.js';
import { round } from './support/stats.js';

/**
 * Issue 9 benchmark: "added cost of auth + quota reservation per request (µs, and req/s of the
 * synchronous route with and without a tenant key, same run)".
 *
 * One gateway (child process, as `npm start` runs it) on a fresh PostgreSQL database, with
 * auth mode on and a simulator that answers at once, so a request is all gateway work:
 * `POST /v1/generations?wait=30` → accepted, submitted inline, completed, answered 200.
 *
 * - `admin key`: no tenant, so no key lookup beyond one digest comparison and no ledger rows.
 * - `tenant key`: the key checked in the in-memory cache, the estimate reserved with a
 *   conditional UPDATE and a ledger row in the accepting transaction, and settled (a second
 *   ledger row and the balance) in the completing one.
 *
 * The two alternate in rounds so that drift (the shared machine, a growing table) falls on
 * both alike. The added cost is the difference of gateway CPU time per request, and of
 * PostgreSQL backend CPU time per request, between the two.
 */

const adminKey = 'bench-quota-admin-key';
const body = JSON.stringify({ model: 'sim-image', prompt: 'bench', width: 64, height: 64 });
const connections = 16;

interface Round {
  variant: 'admin key' | 'tenant key';
  load: LoadResult;
  /** Gateway process CPU per answered request, µs. */
  gatewayCpuMicros: number;
  /** PostgreSQL backend CPU (this database) per answered request, µs. */
  postgresCpuMicros: number;
}

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const seconds = quick
    ? { warmUp: 2, measure: 3, rounds: 1 }
    : { warmUp: 5, measure: 10, rounds: 3 };
  const database = await createBenchDatabase();
  const gateway = await startGatewayChild({
    databaseUrl: database.url,
    config: {
      providers: [
        {
          id: 'simulator',
          type: 'simulator',
          latencyMs: { p50: 0, p95: 0 },
          costPerImage: 0.000001,
        },
      ],
      // The simulator is polled: its first poll, at the shortest allowed delay, ends each job.
      jobs: { pollInitialMs: 50 },
    },
    env: { SWITCHYARD_ADMIN_KEY: adminKey },
  });
  const rounds: Round[] = [];
  try {
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const tenant = (await (
      await fetch(`${gateway.url}/admin/tenants`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: 'bench', balance_usd: 1_000_000 }),
      })
    ).json()) as { id: string };
    const { key } = (await (
      await fetch(`${gateway.url}/admin/keys`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ tenant: tenant.id }),
      })
    ).json()) as { key: string };
    const variants = {
      'admin key': adminKey,
      'tenant key': key,
    } as const;
    const request = (bearer: string) => ({
      url: `${gateway.url}/v1/generations?wait=30`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body,
      connections,
    });
    for (const bearer of Object.values(variants))
      await runLoad({ ...request(bearer), durationSeconds: seconds.warmUp });
    await sleep(1000);
    for (let index = 0; index < seconds.rounds; index++) {
      for (const [variant, bearer] of Object.entries(variants) as [Round['variant'], string][]) {
        const backends = await backendPids(database);
        const pids = { gateway: gateway.pid };
        const before = await cpuSnapshot(pids, backends);
        const load = await runLoad({ ...request(bearer), durationSeconds: seconds.measure });
        const after = await cpuSnapshot(pids, backends);
        const elapsed = (after.at - before.at) / 1000;
        const answered = Math.max(1, load.ok2xx);
        const postgresSeconds = backends.reduce(
          (sum, pid) => sum + ((after.backends[pid] ?? 0) - (before.backends[pid] ?? 0)),
          0,
        );
        rounds.push({
          variant,
          load,
          gatewayCpuMicros: round(
            (((coresUsed(before, after).gateway ?? 0) * elapsed) / answered) * 1e6,
            0,
          ),
          postgresCpuMicros: round((postgresSeconds / answered) * 1e6, 0),
        });
      }
    }
  } finally {
    await gateway.stop();
    await database.drop();
  }

  printTable(
    'Synchronous route, POST /v1/generations?wait=30 (16 connections, PostgreSQL)',
    ['variant', ...loadHeaders, 'gateway cpu µs/req', 'postgres cpu µs/req'],
    rounds.map((entry) => [
      entry.variant,
      ...loadRow(entry.load),
      entry.gatewayCpuMicros,
      entry.postgresCpuMicros,
    ]),
  );
  const mean = (variant: Round['variant'], pick: (entry: Round) => number) => {
    const picked = rounds.filter((entry) => entry.variant === variant).map(pick);
    return picked.reduce((sum, value) => sum + value, 0) / Math.max(1, picked.length);
  };
  const summary = {
    adminKeyRequestsPerSecond: round(
      mean('admin key', (entry) => entry.load.requestsPerSecond),
      0,
    ),
    tenantKeyRequestsPerSecond: round(
      mean('tenant key', (entry) => entry.load.requestsPerSecond),
      0,
    ),
    addedGatewayCpuMicrosPerRequest: round(
      mean('tenant key', (entry) => entry.gatewayCpuMicros) -
        mean('admin key', (entry) => entry.gatewayCpuMicros),
      0,
    ),
    addedPostgresCpuMicrosPerRequest: round(
      mean('tenant key', (entry) => entry.postgresCpuMicros) -
        mean('admin key', (entry) => entry.postgresCpuMicros),
      0,
    ),
    addedP50LatencyMicros: round(
      (mean('tenant key', (entry) => entry.load.latencyMs.p50) -
        mean('admin key', (entry) => entry.load.latencyMs.p50)) *
        1000,
      0,
    ),
  };
  printTable(
    'Added cost of auth + quota reservation and settlement per request (tenant key − admin key)',
    ['admin key req/s', 'tenant key req/s', 'gateway cpu µs', 'postgres cpu µs', 'p50 latency µs'],
    [
      [
        summary.adminKeyRequestsPerSecond,
        summary.tenantKeyRequestsPerSecond,
        summary.addedGatewayCpuMicrosPerRequest,
        summary.addedPostgresCpuMicrosPerRequest,
        summary.addedP50LatencyMicros,
      ],
    ],
  );
  note(
    'CPU figures are per answered request; the machine is shared, so compare the two variants of one run, not runs.',
  );
  await writeResult('quota-overhead', { quick, connections, seconds, summary, rounds });
}

await main();
