import { rm } from 'node:fs/promises';
import { createBenchDatabase } from './support/bench-database.js';
import { coresUsed, cpuSnapshot } from './support/cpu.js';
import { backendPids } from './support/pg-activity.js';
import { newestProfile, topSelfTime } from './support/cpu-profile-top.js';
import { freePort, startGatewayChild, startNodeChild, waitForOk } from './support/gateway-child.js';
import { runLoad } from './support/load.js';

/**
 * Where one route's time goes, quickly: one built gateway (PostgreSQL, or PGlite with
 * `BENCH_PGLITE=1`) in front of the OpenAI bench fake, loaded at `BENCH_CONNECTIONS` (default 1)
 * for `BENCH_SECONDS` (default 10) after a 3 s warm-up, then its top self-time functions from a
 * `--cpu-prof` profile. `BENCH_ROUTE=native` loads `POST /v1/generations?wait=30` instead of
 * the images route, `BENCH_ROUTE=floor` the durable floor (`bench/support/durable-floor-proxy.ts`,
 * never profiled) to compare CPU per request with; `BENCH_NO_PROFILE=1` prints only req/s, p50 and p99 (profiling slows the
 * gateway); `BENCH_CHECKOUT=<dir>` runs another commit's build. Not part of `npm run bench`:
 * `bench/openai-proxy.ts` is the measurement, this is the magnifying glass.
 */
const connections = Number(process.env.BENCH_CONNECTIONS ?? 1);
const profiled = !process.env.BENCH_NO_PROFILE;
const profileDir = process.env.BENCH_CPU_PROFILE_DIR ?? '/tmp/switchyard-profile-route';
if (profiled) process.env.BENCH_CPU_PROFILE_DIR = profileDir;

const fakePort = await freePort();
const fake = startNodeChild(['--import', 'tsx', 'bench/support/openai-bench-fake.ts'], {
  PORT: String(fakePort),
  BENCH_FAKE_API_KEY: 'bench-key',
});
const fakeUrl = `http://127.0.0.1:${fakePort}`;
await waitForOk(`${fakeUrl}/`, fake);
const database = await createBenchDatabase();
const floorRoute = process.env.BENCH_ROUTE === 'floor';
const gateway = floorRoute
  ? await startFloor()
  : await startGatewayChild({
      databaseUrl: process.env.BENCH_PGLITE ? undefined : database.url,
      config: {
        providers: [
          { id: 'openai', type: 'openai', apiKey: 'bench-key', baseUrl: `${fakeUrl}/v1` },
        ],
        jobs: { queuePollingIntervalSeconds: 0.5 },
        health: { checkIntervalSeconds: 0 },
      },
      profileName: `route-${connections}`,
      checkout: process.env.BENCH_CHECKOUT || undefined,
    });
async function startFloor() {
  const port = await freePort();
  const floor = startNodeChild(['--import', 'tsx', 'bench/support/durable-floor-proxy.ts'], {
    PORT: String(port),
    FLOOR_UPSTREAM_URL: fakeUrl,
    FLOOR_DATABASE_URL: database.url,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/`, floor);
  return { url, pid: floor.pid, stop: () => floor.stop() };
}
/** The gateway's own process figures from `GET /metrics` (prom-client's default metrics). */
async function processMetrics(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => {
    let sum = 0;
    for (const match of text.matchAll(
      new RegExp(`^switchyard_process_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'),
    ))
      sum += Number(match[1]);
    return sum;
  };
  return {
    loopDelayP99Ms: Math.round(value('nodejs_eventloop_lag_p99_seconds') * 1e5) / 100,
    loopDelayMaxMs: Math.round(value('nodejs_eventloop_lag_max_seconds') * 1e5) / 100,
    gcSeconds: value('nodejs_gc_duration_seconds_sum'),
  };
}
const target =
  process.env.BENCH_ROUTE === 'native'
    ? {
        url: `${gateway.url}/v1/generations?wait=30`,
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'bench', width: 1024, height: 1024 }),
      }
    : {
        url: `${gateway.url}/v1/images/generations`,
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'bench', size: '1024x1024' }),
      };
const load = (durationSeconds: number) =>
  runLoad({
    ...target,
    method: 'POST',
    // The floor relays the caller's key to the fake; the gateway holds its own.
    headers: floorRoute
      ? { 'content-type': 'application/json', authorization: 'Bearer bench-key' }
      : { 'content-type': 'application/json' },
    connections,
    durationSeconds,
  });
try {
  await load(3);
  const backends = process.env.BENCH_PGLITE ? [] : await backendPids(database);
  const pids = { gateway: gateway.pid, fake: fake.pid };
  // Scraping resets the gateway's loop-delay histogram, so the figures after are the load's.
  const metricsBefore = floorRoute ? undefined : await processMetrics(gateway.url);
  const before = await cpuSnapshot(pids, backends);
  const result = await load(Number(process.env.BENCH_SECONDS ?? 10));
  const cores = coresUsed(before, await cpuSnapshot(pids, backends));
  const metricsAfter = floorRoute ? undefined : await processMetrics(gateway.url);
  const { p50, p99 } = result.latencyMs;
  // CPU per request is steadier than req/s on a shared machine: the figure to compare builds by.
  const microsecondsPerRequest = (used: number | undefined) =>
    used === undefined ? undefined : Math.round((used * 1e6) / result.requestsPerSecond);
  process.stdout.write(
    `${JSON.stringify({
      connections,
      requestsPerSecond: result.requestsPerSecond,
      p50,
      p99,
      non2xx: result.non2xx,
      gatewayMicrosecondsPerRequest: microsecondsPerRequest(cores.gateway),
      postgresMicrosecondsPerRequest: microsecondsPerRequest(cores.postgresOurs),
      machineCores: cores.machine,
      loopDelayP99Ms: metricsAfter?.loopDelayP99Ms,
      loopDelayMaxMs: metricsAfter?.loopDelayMaxMs,
      gcMillisecondsPerSecond:
        metricsAfter && metricsBefore
          ? Math.round(
              ((metricsAfter.gcSeconds - metricsBefore.gcSeconds) * 1e4) / result.durationSeconds,
            ) / 10
          : undefined,
    })}\n`,
  );
} finally {
  await gateway.stop();
  await fake.stop();
  await database.drop();
}
const file = profiled && !floorRoute ? await newestProfile(profileDir) : undefined;
if (file) {
  for (const line of await topSelfTime(file, 30))
    process.stdout.write(`${line.busyPercent.toFixed(1).padStart(5)} %  ${line.frame}\n`);
  await rm(profileDir, { recursive: true, force: true });
}
