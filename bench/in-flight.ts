import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createBenchDatabase, type BenchDatabase } from './support/bench-database.js';
import { parseBenchArgs, sleep } from './support/cli.js';
import { coresUsed, cpuSnapshot } from './support/cpu.js';
import { startGatewayChild, type GatewayChild } from './support/gateway-child.js';
import { runLoad } from './support/load.js';
import type { LoopStatsLine } from './support/loop-monitor.js';
import { note, printTable, printTargets, writeResult, type TargetCheck } from './support/report.js';
import { backendPids } from './support/pg-activity.js';
import { queriesPerUnit, readQueryWindows } from './support/query-report.js';
import { round, summarize } from './support/stats.js';

/**
 * Issue target: "RSS and event-loop lag with 10,000 simulated jobs in flight. Targets: ≤ 250 MB
 * RSS and event-loop lag p99 ≤ 20 ms at 10k in flight".
 *
 * A gateway child process (`src/main.ts`, PostgreSQL, default job settings) gets 10,000 jobs
 * from a simulator that answers after ~10 minutes, so every job is submitted and then polled
 * with the engine's backoff (1 s × 1.5 up to 30 s) for the whole measurement. Once the database
 * shows them all `submitted`/`running`, the benchmark samples for a fixed window:
 *
 * - RSS from `/proc/<pid>/status` (VmRSS) every second;
 * - event-loop lag from inside, through a preload under bench/ (`monitorEventLoopDelay`),
 *   windowed with SIGUSR2, so no gateway source is involved;
 * - event-loop lag seen from outside: the latency of `GET /healthz` (a route that does no
 *   I/O) every 50 ms;
 * - the poll queue: how many polls are overdue and by how long, which shows whether the
 *   engine keeps up with the polling that 10k jobs need.
 */

const body = JSON.stringify({ model: 'sim-image', prompt: 'bench', width: 64, height: 64 });
// Jobs must outlive creation (tens of seconds on 2 cores) plus the window, or early ones
// finish and the count never reaches the target; ten minutes is also a realistic video job.
const simulatorLatencyMs = { p50: 600_000, p95: 660_000 };

interface Sample {
  /** Seconds since the window opened. */
  t: number;
  rssMb: number;
}

interface QueueSample {
  t: number;
  inFlight: number;
  queued: number;
  /** Poll messages whose start time has passed but that no worker has claimed yet. */
  overduePolls: number;
  /** How late the oldest overdue poll is, in seconds. */
  oldestOverdueSeconds: number;
}

async function inFlightCounts(
  database: BenchDatabase,
): Promise<{ inFlight: number; queued: number; finished: number }> {
  const [row] = await database.rows<{ in_flight: number; queued: number; finished: number }>(
    `SELECT count(*) FILTER (WHERE status IN ('submitted', 'running'))::int AS in_flight,
            count(*) FILTER (WHERE status = 'queued')::int AS queued,
            count(*) FILTER (WHERE status IN ('succeeded', 'failed', 'canceled'))::int AS finished
       FROM generations`,
  );
  return { inFlight: row?.in_flight ?? 0, queued: row?.queued ?? 0, finished: row?.finished ?? 0 };
}

async function pollBacklog(
  database: BenchDatabase,
): Promise<{ overdue: number; oldestSeconds: number }> {
  // Polls are due times on the attempt rows (ADR 0023).
  const [row] = await database.rows<{ overdue: number; oldest: number | null }>(
    `SELECT count(*)::int AS overdue,
            extract(epoch FROM now() - min(poll_at))::float AS oldest
       FROM generation_attempts
      WHERE poll_at <= now() AND status = 'submitted'`,
  );
  return { overdue: row?.overdue ?? 0, oldestSeconds: row?.oldest ?? 0 };
}

/** Polls scheduled so far: each attempt's poll number counts the polls of its chain. */
async function pollsScheduled(database: BenchDatabase): Promise<number> {
  const [row] = await database.rows<{ count: number }>(
    'SELECT coalesce(sum(poll_number), 0)::int AS count FROM generation_attempts',
  );
  return row?.count ?? 0;
}

/** GETs `/healthz` every `everyMs` until `until`; returns each latency in ms. */
async function sampleHealthz(url: string, everyMs: number, until: number): Promise<number[]> {
  const latencies: number[] = [];
  while (performance.now() < until) {
    const started = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    await sleep(Math.max(0, everyMs - (performance.now() - started)));
  }
  return latencies;
}

async function readLoopStats(file: string): Promise<LoopStatsLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LoopStatsLine);
}

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const jobs = 10_000;
  const windowSeconds = quick ? 6 : Number(process.env.BENCH_WINDOW_SECONDS ?? 20);
  const creationConnections = 32;
  process.stdout.write(
    `in flight: ${jobs} simulator jobs (latency p50 ${simulatorLatencyMs.p50 / 1000} s), then ${windowSeconds} s of sampling, PostgreSQL\n`,
  );
  const database = await createBenchDatabase();
  const loopStatsFile = path.join(os.tmpdir(), `switchyard-bench-loop-${process.pid}.jsonl`);
  const queryStatsFile = path.join(os.tmpdir(), `switchyard-bench-queries-${process.pid}.jsonl`);
  let gateway: GatewayChild | undefined;
  try {
    gateway = await startGatewayChild({
      databaseUrl: database.url,
      loopStatsFile,
      queryStatsFile,
      config: {
        providers: [
          {
            id: 'simulator',
            type: 'simulator',
            models: ['sim-image'],
            latencyMs: simulatorLatencyMs,
          },
        ],
      },
    });
    const rssAtStart = await gateway.rssBytes();

    // Creation: a fixed number of requests, a batch of `creationConnections` at a time.
    const creationStarted = performance.now();
    const creation = await runLoad({
      url: `${gateway.url}/v1/generations`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: creationConnections,
      amount: jobs,
      timeoutSeconds: 60,
    });
    const createdSeconds = (performance.now() - creationStarted) / 1000;
    const inFlightWhenCreated = (await inFlightCounts(database)).inFlight;

    // Wait for the submit workers to hand every job to the simulator.
    const waitStarted = performance.now();
    let counts = await inFlightCounts(database);
    let rssPeakWhileFilling = 0;
    while (counts.inFlight < jobs && performance.now() - waitStarted < 300_000) {
      rssPeakWhileFilling = Math.max(rssPeakWhileFilling, await gateway.rssBytes());
      await sleep(500);
      counts = await inFlightCounts(database);
    }
    const submittedSeconds = (performance.now() - creationStarted) / 1000;
    // Once creation stops nothing wakes the submit workers, so this is their polling-paced rate.
    const submitRateAfterCreation =
      submittedSeconds > createdSeconds
        ? (counts.inFlight - inFlightWhenCreated) / (submittedSeconds - createdSeconds)
        : Number.NaN;
    const inFlightAtStart = counts.inFlight;

    // The measurement window.
    const pollsAtStart = await pollsScheduled(database);
    gateway.toggleWindow();
    const windowStarted = performance.now();
    const windowStartedAt = Date.now();
    const until = windowStarted + windowSeconds * 1000;
    const cpuBefore = await cpuSnapshot(
      { gateway: gateway.pid, bench: process.pid },
      await backendPids(database),
    );
    const rssSamples: Sample[] = [];
    const queueSamples: QueueSample[] = [];
    const healthz = sampleHealthz(gateway.url, 50, until);
    const child = gateway;
    const sampler = (async () => {
      let tick = 0;
      while (performance.now() < until) {
        const t = round((performance.now() - windowStarted) / 1000, 1);
        rssSamples.push({ t, rssMb: (await child.rssBytes()) / 2 ** 20 });
        // Database samples every 2 s: frequent enough to see a trend, rare enough not to load it.
        if (tick++ % 2 === 0) {
          const [current, backlog] = [await inFlightCounts(database), await pollBacklog(database)];
          queueSamples.push({
            t,
            inFlight: current.inFlight,
            queued: current.queued,
            overduePolls: backlog.overdue,
            oldestOverdueSeconds: round(backlog.oldestSeconds, 1),
          });
        }
        await sleep(Math.max(0, 1000 - ((performance.now() - windowStarted) % 1000)));
      }
    })();
    const [healthzLatencies] = await Promise.all([healthz, sampler]);
    const cpuAfter = await cpuSnapshot(
      { gateway: gateway.pid, bench: process.pid },
      await backendPids(database),
    );
    gateway.toggleWindow();
    const pollsPerSecond = ((await pollsScheduled(database)) - pollsAtStart) / windowSeconds;
    await sleep(300);
    const finalCounts = await inFlightCounts(database);
    const loopLines = await readLoopStats(loopStatsFile);
    const window = loopLines.findLast((line) => line.type === 'window');
    const intervals = loopLines.filter(
      // Each interval line covers the second before its timestamp.
      (line): line is Extract<LoopStatsLine, { type: 'interval' }> =>
        line.type === 'interval' &&
        line.at > windowStartedAt &&
        line.at <= windowStartedAt + windowSeconds * 1000 + 1000,
    );

    const [queryWindow] = await readQueryWindows(queryStatsFile);
    // Per second of the window: what keeping 10k jobs in flight costs the database.
    const queries = queryWindow ? queriesPerUnit(queryWindow, queryWindow.durationMs / 1000) : null;
    const rss = summarize(rssSamples.map((sample) => sample.rssMb));
    const health = summarize(healthzLatencies);
    const cores = coresUsed(cpuBefore, cpuAfter);
    const worstIntervalP99 = Math.max(...intervals.map((line) => line.p99Ms));
    // The JavaScript heap from inside: RSS peaks that follow it are garbage not yet collected.
    const heap = summarize(intervals.map((line) => line.heapUsedBytes / 2 ** 20));

    printTable(
      'Setup',
      [
        'jobs',
        '202s',
        'create s',
        'create/s',
        'in flight at end of creation',
        'all in flight after s',
        'submit/s after creation',
        'in flight (start)',
        'in flight (end)',
        'finished',
      ],
      [
        [
          jobs,
          creation.ok2xx,
          round(createdSeconds, 1),
          round(creation.ok2xx / createdSeconds, 1),
          inFlightWhenCreated,
          round(submittedSeconds, 1),
          round(submitRateAfterCreation, 1),
          inFlightAtStart,
          finalCounts.inFlight,
          finalCounts.finished,
        ],
      ],
    );
    printTable(
      `Gateway process over ${windowSeconds} s with ${inFlightAtStart} jobs in flight`,
      ['measure', 'p50', 'p99', 'max', 'mean', 'samples'],
      [
        [
          'RSS MB (VmRSS, 1/s)',
          round(rss.p50, 1),
          round(rss.p99, 1),
          round(rss.max, 1),
          round(rss.mean, 1),
          rss.count,
        ],
        [
          'heap used MB (inside, 1/s)',
          round(heap.p50, 1),
          round(heap.p99, 1),
          round(heap.max, 1),
          round(heap.mean, 1),
          heap.count,
        ],
        window
          ? [
              'loop lag ms (inside)',
              round(window.p50Ms),
              round(window.p99Ms),
              round(window.maxMs),
              round(window.meanMs),
              window.samples,
            ]
          : ['loop lag ms (inside)', 'n/a', 'n/a', 'n/a', 'n/a', 0],
        [
          'GET /healthz ms (outside)',
          round(health.p50),
          round(health.p99),
          round(health.max),
          round(health.mean),
          health.count,
        ],
      ],
    );
    printTable(
      'Poll queue and jobs during the window (every 2 s)',
      ['t s', 'in flight', 'queued', 'overdue polls', 'oldest overdue s'],
      queueSamples.map((sample) => [
        sample.t,
        sample.inFlight,
        sample.queued,
        sample.overduePolls,
        sample.oldestOverdueSeconds,
      ]),
    );
    printTable(
      'CPU during the window (cores busy, 2 available)',
      ['machine', 'gateway', 'postgres (this db)', 'postgres (all)', 'bench', 'other'],
      [
        [
          cores.machine,
          cores.gateway,
          cores.postgresOurs,
          cores.postgres,
          cores.bench,
          cores.other,
        ],
      ],
    );
    note(
      `RSS at start-up (idle) ${round(rssAtStart / 2 ** 20, 1)} MB; peak while filling ${round(rssPeakWhileFilling / 2 ** 20, 1)} MB.`,
    );
    if (queries)
      printTable(
        `SQL per second during the window (${queries.statementsPerUnit} statements/s, ${queries.statementMsPerUnit} ms of statement time per s, ${queries.poolWaitMsPerUnit} ms pool wait per s)`,
        ['calls/s', 'mean ms', 'statement'],
        queries.top.map((stats) => [
          stats.callsPerUnit,
          stats.meanMs,
          stats.statement.slice(0, 100),
        ]),
      );
    note(
      `polls completed during the window: ${round(pollsPerSecond, 1)}/s; 10k jobs at the 30 s backoff cap alone need ${round(jobs / 30, 1)}/s.`,
    );
    note(
      'submit/s after creation: how fast workers drain the submit queue once no request wakes them. A pg-boss 10 worker that is not re-notified sleeps out its 0.5 s interval after every batch, so 4 workers × batch 8 cap this at 64/s; polls at the 30 s backoff cap (no wake-up timer) are capped the same way at 4 × 16 per 0.5 s = 128/s when batches are fast.',
    );
    note(`worst 1-s interval loop-lag p99 inside the window: ${round(worstIntervalP99)} ms.`);
    note(
      'loop lag is monitorEventLoopDelay (10 ms resolution) minus the resolution; healthz adds HTTP parsing and loopback round trip.',
    );

    const targets: TargetCheck[] = [
      {
        name: 'jobs in flight during the window',
        target: '≥ 10,000',
        measured: String(inFlightAtStart),
        met: inFlightAtStart >= 10_000,
      },
      {
        name: 'RSS (max over the window)',
        target: '≤ 250 MB',
        measured: `${round(rss.max, 1)} MB`,
        met: rss.max <= 250,
      },
      {
        name: 'event-loop lag p99 (inside)',
        target: '≤ 20 ms',
        measured: window ? `${round(window.p99Ms)} ms` : 'not measured',
        met: window !== undefined && window.p99Ms <= 20,
      },
      {
        name: 'GET /healthz p99 (outside)',
        target: '≤ 20 ms (same goal, seen by a client)',
        measured: `${round(health.p99)} ms`,
        met: health.p99 <= 20,
      },
    ];
    printTargets(targets);
    await writeResult('in-flight', {
      quick,
      jobs,
      windowSeconds,
      simulatorLatencyMs,
      creation: { ...creation, seconds: round(createdSeconds, 2) },
      inFlightWhenCreated,
      allInFlightAfterSeconds: round(submittedSeconds, 2),
      submitRateAfterCreation: round(submitRateAfterCreation, 1),
      inFlightAtStart,
      finalCounts,
      rssMb: {
        atStart: round(rssAtStart / 2 ** 20, 1),
        peakWhileFilling: round(rssPeakWhileFilling / 2 ** 20, 1),
        window: rss,
      },
      heapUsedMb: heap,
      loopLagInsideMs: window ?? null,
      loopLagWorstIntervalP99Ms: worstIntervalP99,
      healthzMs: health,
      pollsPerSecond: round(pollsPerSecond, 1),
      queriesPerSecond: queries,
      queueSamples,
      rssSamples,
      intervals,
      cores,
      targets,
    });
  } finally {
    await gateway?.stop(20_000);
    await database.drop();
    await rm(loopStatsFile, { force: true });
    await rm(queryStatsFile, { force: true });
  }
}

await main();
