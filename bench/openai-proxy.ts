import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/store/open-database.js';
import { createBenchDatabase, type BenchDatabase } from './support/bench-database.js';
import { parseBenchArgs, sleep } from './support/cli.js';
import { coresUsed, cpuSnapshot } from './support/cpu.js';
import {
  freePort,
  startGatewayChild,
  startNodeChild,
  waitForOk,
  type ChildHandle,
  type GatewayChild,
} from './support/gateway-child.js';
import { loadHeaders, loadRow, runLoad, type LoadResult } from './support/load.js';
import { note, printTable, printTargets, writeResult, type TargetCheck } from './support/report.js';
import { activitySnapshot, backendPids } from './support/pg-activity.js';
import { newestProfile, topSelfTime, type SelfTime } from './support/cpu-profile-top.js';
import { queriesPerUnit, readQueryWindows, type QueriesPerUnit } from './support/query-report.js';
import { round, summarize, type Summary } from './support/stats.js';

/**
 * Issue target: the OpenAI-compatible images route through Switchyard (OpenAI adapter → fake
 * OpenAI server) vs the fake directly and vs Portkey's open-source gateway, in one run, at 16
 * and 50 connections. "Switchyard adds ≤ 3 ms p99 at 16 connections and serves ≥ 3× Portkey's
 * req/s at 50 (stretch 5×)", with every request still recorded durably as a job.
 *
 * Order: fake direct, Switchyard on PostgreSQL, Portkey, then Switchyard on PGlite as an extra.
 * Every server is its own process (the fake included, so the load generator never shares its
 * event loop); only the one under test is loaded. After each Switchyard run the job rows are
 * counted and their timestamps split into stages, to show where the time goes.
 */

const apiKey = 'bench-key';
const body = JSON.stringify({ model: 'gpt-image-1', prompt: 'bench', size: '1024x1024' });
/** The same generation through the native API, held until it finished (`?wait=30`). */
const nativeBody = JSON.stringify({
  model: 'gpt-image-1',
  prompt: 'bench',
  width: 1024,
  height: 1024,
});
/** A built checkout of another commit, measured in the same run as this one (A/B). */
const baselineCheckout = process.env.BENCH_BASELINE_DIR;
const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
// 16 and 50 are the issue's; 1 shows the unloaded floor (no queueing), to tell fixed per-request
// cost from contention.
const connectionCounts = [1, 16, 50] as const;

type TargetName =
  | 'direct'
  | 'switchyard-postgres'
  | 'switchyard-baseline'
  | 'switchyard-native'
  | 'portkey'
  | 'durable-floor'
  | 'switchyard-pglite';

/** One route of a Switchyard gateway under load. */
interface RouteUnderTest {
  target: TargetName;
  path: string;
  body: string;
}

const imagesRoute = (target: TargetName): RouteUnderTest => ({
  target,
  path: '/v1/images/generations',
  body,
});

/** Rows-returning query on either backend. */
type RowsOf = <Row>(text: string, values?: unknown[]) => Promise<Row[]>;

/**
 * Per-job time split, from the database's own timestamps (ms). `created_at` is the gateway's
 * clock when it built the job, before the batched insert committed; the other marks are
 * PostgreSQL's `now()` (transaction start) on the same machine.
 */
interface StageSplit {
  jobs: number;
  /** Jobs whose submit message a queue worker fetched (the rest were submitted inline). */
  viaQueue: number;
  /** created → first attempt row: insert commit, queue hop if any, job read, routing. */
  dispatch: Summary;
  /** created → pg-boss `started_on`, for the jobs that went through the queue only. */
  queueWait: Summary;
  /** attempt row → `submitted_at`: the provider HTTP call and storing its files. */
  providerCall: Summary;
  /** `submitted_at` → `completed_at`: 0 when the answer is recorded in one transaction. */
  finish: Summary;
  /** created → completed. */
  total: Summary;
}

interface Run {
  target: TargetName;
  connections: number;
  /** Wall-clock span of the measured run, to select its jobs by `created_at`. */
  window: { from: string; to: string };
  load: LoadResult;
  cores: Record<string, number>;
  stages?: StageSplit;
  /** The gateway's SQL per 2xx answer (Switchyard on PostgreSQL only). */
  queries?: QueriesPerUnit;
  /** Committed transactions per 2xx answer (`pg_stat_database.xact_commit`; PostgreSQL only). */
  commitsPerRequest?: number;
}

interface Verification {
  /** All 2xx answers Switchyard gave (warm-up included). */
  accepted: number;
  jobs: number;
  jobStates: Record<string, number>;
  /** Image calls the fake answered while Switchyard was under test. */
  providerCalls: number;
  /** Routes loaded on this gateway (each run may cut off up to its connection count). */
  routes: number;
}

// Submit messages per job, live and archived; `started_on` is null for a backstop message that
// no worker needed to fetch because the job was submitted inline.
const submitMessages = `
  SELECT job_id, min(started_on) AS started_on FROM (
    SELECT data->>'jobId' AS job_id, started_on FROM pgboss.job WHERE name = 'generation-submit'
    UNION ALL
    SELECT data->>'jobId', started_on FROM pgboss.archive WHERE name = 'generation-submit') all_messages
  GROUP BY job_id`;

function ms(from: string, to: string): string {
  return `extract(epoch FROM (${to} - ${from})) * 1000`;
}

async function stageSplit(rows: RowsOf, window: Run['window']): Promise<StageSplit> {
  const split = await rows<{
    via_queue: boolean;
    dispatch: number;
    queue_wait: number | null;
    provider_call: number;
    finish: number;
    total: number;
  }>(
    `SELECT m.started_on IS NOT NULL AS via_queue,
            ${ms('g.created_at', 'a.started_at')}::float AS dispatch,
            ${ms('g.created_at', 'm.started_on')}::float AS queue_wait,
            ${ms('a.started_at', 'g.submitted_at')}::float AS provider_call,
            ${ms('g.submitted_at', 'g.completed_at')}::float AS finish,
            ${ms('g.created_at', 'g.completed_at')}::float AS total
       FROM generations g
       LEFT JOIN (${submitMessages}) m ON m.job_id = g.id
       JOIN LATERAL (SELECT started_at FROM generation_attempts
                      WHERE generation_id = g.id ORDER BY seq LIMIT 1) a ON true
      WHERE g.created_at >= $1::timestamptz AND g.created_at < $2::timestamptz
        AND g.status = 'succeeded'`,
    [window.from, window.to],
  );
  const of = (pick: (row: (typeof split)[number]) => number | null) =>
    summarize(split.map(pick).filter((value): value is number => value !== null));
  return {
    jobs: split.length,
    viaQueue: split.filter((row) => row.via_queue).length,
    dispatch: of((row) => row.dispatch),
    queueWait: of((row) => row.queue_wait),
    providerCall: of((row) => row.provider_call),
    finish: of((row) => row.finish),
    total: of((row) => row.total),
  };
}

async function jobCounts(rows: RowsOf): Promise<{ jobs: number; states: Record<string, number> }> {
  const states = await rows<{ status: string; count: number }>(
    'SELECT status, count(*)::int AS count FROM generations GROUP BY status ORDER BY status',
  );
  return {
    jobs: states.reduce((sum, state) => sum + state.count, 0),
    states: Object.fromEntries(states.map((state) => [state.status, state.count])),
  };
}

async function fakeImageCalls(fakeUrl: string): Promise<number> {
  const stats = (await (await fetch(`${fakeUrl}/bench/stats`)).json()) as { images: number };
  return stats.images;
}

/** Warm-up, then one measured run per connection count, against one target. */
async function measure(
  target: TargetName,
  request: { url: string; headers: Record<string, string>; body?: string },
  seconds: { warmUp: number; measure: number },
  pids: Record<string, number>,
  probes: {
    /** Database rows, for the per-run stage split. */
    rows?: RowsOf;
    /** A gateway with the SQL counter preload: one window per run. */
    gateway?: GatewayChild;
    /** The PostgreSQL backends serving the target, for CPU attribution. */
    backends?: () => Promise<number[]>;
    /** The target's database, for commits per request. */
    database?: BenchDatabase;
  } = {},
): Promise<{ runs: Run[]; accepted: number }> {
  const { rows, gateway, backends, database } = probes;
  const options = {
    url: request.url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...request.headers },
    body: request.body ?? body,
  };
  const warmUp = await runLoad({ ...options, connections: 16, durationSeconds: seconds.warmUp });
  let accepted = warmUp.ok2xx;
  const runs: Run[] = [];
  for (const connections of connectionCounts) {
    // PostgreSQL publishes a backend's counters at most once a second.
    await sleep(database ? 1200 : 500);
    const activityBefore = database ? await activitySnapshot(database) : undefined;
    const from = new Date();
    const before = await cpuSnapshot(pids, backends ? await backends() : []);
    gateway?.toggleWindow();
    const load = await runLoad({ ...options, connections, durationSeconds: seconds.measure });
    gateway?.toggleWindow();
    const after = await cpuSnapshot(pids, backends ? await backends() : []);
    // Jobs cut off at the end still finish; the split only counts succeeded ones.
    await sleep(database ? 1200 : 500);
    const activityAfter = database ? await activitySnapshot(database) : undefined;
    const window = { from: from.toISOString(), to: new Date().toISOString() };
    accepted += load.ok2xx;
    // The bench's own snapshot and stage queries add a handful of commits; against thousands of
    // requests they round away.
    const commitsPerRequest =
      activityBefore && activityAfter && load.ok2xx
        ? round((activityAfter.commits - activityBefore.commits) / load.ok2xx, 2)
        : undefined;
    runs.push({
      target,
      connections,
      window,
      load,
      cores: coresUsed(before, after),
      stages: rows ? await stageSplit(rows, window) : undefined,
      commitsPerRequest,
    });
  }
  return { runs, accepted };
}

function switchyardConfig(fakeUrl: string): Record<string, unknown> {
  return {
    providers: [{ id: 'openai', type: 'openai', apiKey, baseUrl: `${fakeUrl}/v1` }],
    // The minimum the schema allows: an idle worker looks for missed work twice a second.
    jobs: { queuePollingIntervalSeconds: 0.5 },
    // Provider checks would add `GET /models` calls to the fake's count.
    health: { checkIntervalSeconds: 0 },
  };
}

/**
 * One gateway on a fresh PostgreSQL database, each route in turn (`checkout`: another commit's
 * build, for an A/B in the same run).
 */
async function runSwitchyardPostgres(
  fakeUrl: string,
  fake: ChildHandle,
  seconds: { warmUp: number; measure: number },
  routes: readonly RouteUnderTest[],
  checkout?: string,
): Promise<{ runs: Run[]; verification: Verification }> {
  const database: BenchDatabase = await createBenchDatabase();
  const queryStatsFile = path.join(os.tmpdir(), `switchyard-bench-queries-${process.pid}.jsonl`);
  let gateway: GatewayChild | undefined;
  try {
    gateway = await startGatewayChild({
      databaseUrl: database.url,
      config: switchyardConfig(fakeUrl),
      queryStatsFile,
      checkout,
      profileName: routes[0]?.target,
    });
    const callsBefore = await fakeImageCalls(fakeUrl);
    const rows: RowsOf = (text, values) => database.rows(text, values);
    const runs: Run[] = [];
    let accepted = 0;
    for (const [index, route] of routes.entries()) {
      // The routes before left tens of thousands of updated rows: vacuumed now rather than by
      // autovacuum during the next route's one-connection row, where it took 0.7 of the 2
      // cores and doubled the latency the row measures.
      if (index > 0) await database.rows('VACUUM (ANALYZE)');
      const measured = await measure(
        route.target,
        { url: `${gateway.url}${route.path}`, headers: {}, body: route.body },
        seconds,
        { target: gateway.pid, fake: fake.pid, bench: process.pid },
        { rows, gateway, backends: () => backendPids(database), database },
      );
      runs.push(...measured.runs);
      accepted += measured.accepted;
    }
    await sleep(1000);
    const counts = await jobCounts(rows);
    const windows = await readQueryWindows(queryStatsFile);
    runs.forEach((run, index) => {
      const window = windows[index];
      if (window) run.queries = queriesPerUnit(window, run.load.ok2xx);
    });
    return {
      runs,
      verification: {
        accepted,
        jobs: counts.jobs,
        jobStates: counts.states,
        providerCalls: (await fakeImageCalls(fakeUrl)) - callsBefore,
        routes: routes.length,
      },
    };
  } finally {
    await gateway?.stop();
    await database.drop();
    await rm(queryStatsFile, { force: true });
  }
}

async function runSwitchyardPglite(
  fakeUrl: string,
  fake: ChildHandle,
  seconds: { warmUp: number; measure: number },
): Promise<{ runs: Run[]; verification: Verification }> {
  // Our own data directory: the gateway must not delete it on stop, the rows are read after.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-pglite-'));
  try {
    const gateway = await startGatewayChild({
      dataDir,
      config: switchyardConfig(fakeUrl),
      profileName: 'switchyard-pglite',
    });
    let measured: { runs: Run[]; accepted: number };
    let providerCalls: number;
    try {
      const callsBefore = await fakeImageCalls(fakeUrl);
      measured = await measure(
        'switchyard-pglite',
        { url: `${gateway.url}/v1/images/generations`, headers: {} },
        seconds,
        { target: gateway.pid, fake: fake.pid, bench: process.pid },
      );
      await sleep(1000);
      providerCalls = (await fakeImageCalls(fakeUrl)) - callsBefore;
    } finally {
      await gateway.stop();
    }
    // PGlite belongs to one process: its rows can only be read once the gateway has exited.
    const database = await openDatabase({ dataDir });
    try {
      const rows: RowsOf = async <Row>(text: string, values?: unknown[]) =>
        (await database.query<Row>(text, values)).rows;
      for (const run of measured.runs) run.stages = await stageSplit(rows, run.window);
      const counts = await jobCounts(rows);
      return {
        runs: measured.runs,
        verification: {
          accepted: measured.accepted,
          jobs: counts.jobs,
          jobStates: counts.states,
          providerCalls,
          routes: 1,
        },
      };
    } finally {
      await database.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const seconds = quick ? { warmUp: 1, measure: 3 } : { warmUp: 3, measure: 10 };
  process.stdout.write(
    `OpenAI images proxy: POST /v1/images/generations at ${connectionCounts.join(' and ')} connections, ${seconds.measure} s each after a ${seconds.warmUp} s warm-up\n`,
  );
  const fakePort = await freePort();
  const fake = startNodeChild(['--import', 'tsx', 'bench/support/openai-bench-fake.ts'], {
    PORT: String(fakePort),
    BENCH_FAKE_API_KEY: apiKey,
  });
  const fakeUrl = `http://127.0.0.1:${fakePort}`;
  const runs: Run[] = [];
  const verifications: Partial<Record<TargetName, Verification>> = {};
  try {
    await waitForOk(`${fakeUrl}/`, fake);

    process.stdout.write('· fake direct\n');
    const direct = await measure(
      'direct',
      {
        url: `${fakeUrl}/v1/images/generations`,
        headers: { authorization: `Bearer ${apiKey}` },
      },
      seconds,
      // The fake is the target here; listing it twice would count its CPU twice.
      { target: fake.pid, bench: process.pid },
    );
    runs.push(...direct.runs);

    process.stdout.write(
      '· Switchyard (PostgreSQL): images route, then POST /v1/generations?wait=30\n',
    );
    const postgres = await runSwitchyardPostgres(fakeUrl, fake, seconds, [
      imagesRoute('switchyard-postgres'),
      { target: 'switchyard-native', path: '/v1/generations?wait=30', body: nativeBody },
    ]);
    runs.push(...postgres.runs);
    verifications['switchyard-postgres'] = postgres.verification;

    if (baselineCheckout) {
      process.stdout.write(`· Switchyard baseline (PostgreSQL, ${baselineCheckout})\n`);
      const baseline = await runSwitchyardPostgres(
        fakeUrl,
        fake,
        seconds,
        [imagesRoute('switchyard-baseline')],
        baselineCheckout,
      );
      runs.push(...baseline.runs);
      verifications['switchyard-baseline'] = baseline.verification;
    }

    // Portkey's server has no host option and binds every interface, for the few seconds it runs.
    process.stdout.write('· Portkey\n');
    const portkeyPort = await freePort();
    const portkey = startNodeChild(
      [
        'node_modules/@portkey-ai/gateway/build/start-server.js',
        '--headless',
        `--port=${portkeyPort}`,
      ],
      {},
    );
    try {
      const portkeyUrl = `http://127.0.0.1:${portkeyPort}`;
      await waitForOk(`${portkeyUrl}/`, portkey);
      const measured = await measure(
        'portkey',
        {
          url: `${portkeyUrl}/v1/images/generations`,
          headers: {
            'x-portkey-provider': 'openai',
            'x-portkey-custom-host': `${fakeUrl}/v1`,
            authorization: `Bearer ${apiKey}`,
          },
        },
        seconds,
        { target: portkey.pid, fake: fake.pid, bench: process.pid },
      );
      runs.push(...measured.runs);
    } finally {
      await portkey.stop(5000);
    }

    process.stdout.write('· durable floor (bench/support/durable-floor-proxy.ts)\n');
    runs.push(...(await runDurableFloor(fakeUrl, fake, seconds)));

    process.stdout.write('· Switchyard (PGlite)\n');
    const pglite = await runSwitchyardPglite(fakeUrl, fake, seconds);
    runs.push(...pglite.runs);
    verifications['switchyard-pglite'] = pglite.verification;
  } finally {
    await fake.stop(5000);
  }

  const profiles = profileDir ? await profileSummaries(profileDir) : {};
  report(runs, verifications, quick, seconds, profiles);
  await writeResult('openai-proxy', {
    quick,
    seconds,
    body: JSON.parse(body) as unknown,
    runs,
    verifications,
    profiles,
    targets: targetsOf(runs, verifications),
  });
}

/**
 * The least any durable gateway adds on this machine (two single-row commits around the call),
 * on a fresh database of its own: the reference for the latency goals.
 */
async function runDurableFloor(
  fakeUrl: string,
  fake: ChildHandle,
  seconds: { warmUp: number; measure: number },
): Promise<Run[]> {
  const database = await createBenchDatabase();
  const port = await freePort();
  const floor = startNodeChild(['--import', 'tsx', 'bench/support/durable-floor-proxy.ts'], {
    PORT: String(port),
    FLOOR_UPSTREAM_URL: fakeUrl,
    FLOOR_DATABASE_URL: database.url,
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForOk(`${url}/`, floor);
    const measured = await measure(
      'durable-floor',
      {
        url: `${url}/v1/images/generations`,
        headers: { authorization: `Bearer ${apiKey}` },
      },
      seconds,
      { target: floor.pid, fake: fake.pid, bench: process.pid },
      { backends: () => backendPids(database) },
    );
    return measured.runs;
  } finally {
    await floor.stop(5000);
    await database.drop();
  }
}

function find(runs: readonly Run[], target: TargetName, connections: number): Run | undefined {
  return runs.find((run) => run.target === target && run.connections === connections);
}

/** Top self-time functions of each gateway's CPU profile (`BENCH_CPU_PROFILE_DIR`). */
async function profileSummaries(directory: string): Promise<Record<string, SelfTime[]>> {
  const summaries: Record<string, SelfTime[]> = {};
  for (const name of ['switchyard-postgres', 'switchyard-baseline', 'switchyard-pglite']) {
    const file = await newestProfile(directory, name);
    if (file) summaries[name] = await topSelfTime(file, 15);
  }
  return summaries;
}

/** One issue-14 figure of a Switchyard target against Portkey and the fake, same run. */
interface Figure {
  value: number;
  text: string;
}

/** Issue 14's figures for one target, by goal; undefined where a run is missing. */
function figuresOf(runs: readonly Run[], target: TargetName) {
  const direct = (connections: number) => find(runs, 'direct', connections);
  const own = (connections: number) => find(runs, target, connections);
  const portkey50 = find(runs, 'portkey', 50);
  const at50 = own(50);
  const at16 = own(16);
  const direct16 = direct(16);
  const at1 = own(1);
  const direct1 = direct(1);
  const ratio50 =
    at50 && portkey50 ? at50.load.requestsPerSecond / portkey50.load.requestsPerSecond : undefined;
  const added16 =
    at16 && direct16 ? at16.load.latencyMs.p99 - direct16.load.latencyMs.p99 : undefined;
  const added1 = at1 && direct1 ? at1.load.latencyMs.p50 - direct1.load.latencyMs.p50 : undefined;
  const failed = runs
    .filter((run) => run.target === target)
    .reduce((sum, run) => sum + run.load.non2xx + run.load.errors, 0);
  const figure = (value: number | undefined, text: (value: number) => string) =>
    value === undefined ? undefined : ({ value, text: text(value) } satisfies Figure);
  return {
    ratio50: figure(ratio50, (value) => `${round(value)}×`),
    added16: figure(added16, (value) => `${round(value)} ms`),
    added1: figure(added1, (value) => `${round(value, 2)} ms`),
    failed: figure(failed, String),
  };
}

/**
 * Issue 14's goals for one Switchyard target; `baseline` names the baseline build's target whose
 * same figures fill the baseline column (an A/B in one run).
 */
function goalsOf(
  runs: readonly Run[],
  target: TargetName,
  label: string,
  baseline?: TargetName,
): TargetCheck[] {
  const targets: TargetCheck[] = [];
  const own = figuresOf(runs, target);
  const base = baseline && find(runs, baseline, 1) ? figuresOf(runs, baseline) : undefined;
  const check = (
    key: keyof ReturnType<typeof figuresOf>,
    name: string,
    goal: string,
    met: (value: number) => boolean,
  ) => {
    const figure = own[key];
    if (!figure) return;
    const before = base?.[key];
    targets.push({
      name: `${label}${name}`,
      target: goal,
      measured: figure.text,
      met: met(figure.value),
      ...(base ? { baseline: before?.text ?? '-' } : {}),
    });
  };
  const goal = target === 'switchyard-pglite' ? 1 : 2;
  check(
    'ratio50',
    ' ÷ Portkey req/s at c=50',
    `≥ ${goal}×${goal === 2 ? ' (stretch 3×)' : ''}`,
    (value) => value >= goal,
  );
  if (target === 'switchyard-pglite') return targets;
  check('added16', ': p99 added at c=16', '≤ 10 ms (stretch 3 ms)', (value) => value <= 10);
  check('added1', ': median added, one connection', '≤ 1 ms', (value) => value <= 1);
  check('failed', ': non-2xx and errors', '0', (value) => value === 0);
  return targets;
}

function targetsOf(
  runs: readonly Run[],
  verifications: Partial<Record<TargetName, Verification>>,
): TargetCheck[] {
  const targets: TargetCheck[] = [
    ...goalsOf(runs, 'switchyard-postgres', 'images route (PostgreSQL)', 'switchyard-baseline'),
    ...goalsOf(runs, 'switchyard-native', 'native ?wait=30 (PostgreSQL)'),
    ...goalsOf(runs, 'switchyard-pglite', 'images route (PGlite)'),
  ];
  for (const [target, verification] of Object.entries(verifications)) {
    const uncounted = verification.jobs - verification.accepted;
    const succeeded = verification.jobStates.succeeded ?? 0;
    targets.push({
      name: `every 2xx recorded as a job (${target})`,
      target: 'jobs ≥ 2xx, one provider call each',
      measured: `${verification.jobs} jobs / ${verification.accepted} 2xx / ${verification.providerCalls} calls`,
      met:
        uncounted >= 0 &&
        uncounted <=
          verification.routes * (16 + connectionCounts.reduce((sum, count) => sum + count, 0)) &&
        verification.providerCalls === verification.jobs &&
        succeeded === verification.jobs,
    });
  }
  return targets;
}

function report(
  runs: readonly Run[],
  verifications: Partial<Record<TargetName, Verification>>,
  quick: boolean,
  seconds: { warmUp: number; measure: number },
  profiles: Record<string, SelfTime[]>,
): void {
  printTable(
    `Images route, ${seconds.measure} s per row${quick ? ' (quick)' : ''}`,
    ['target', ...loadHeaders],
    runs.map((run) => [run.target, ...loadRow(run.load)]),
  );
  const ratioRows = connectionCounts.map((connections) => {
    const direct = find(runs, 'direct', connections);
    const switchyard = find(runs, 'switchyard-postgres', connections);
    const portkey = find(runs, 'portkey', connections);
    const pglite = find(runs, 'switchyard-pglite', connections);
    const native = find(runs, 'switchyard-native', connections);
    const baseline = find(runs, 'switchyard-baseline', connections);
    const floor = find(runs, 'durable-floor', connections);
    const added = (run: Run | undefined) =>
      run && direct ? round(run.load.latencyMs.p99 - direct.load.latencyMs.p99) : undefined;
    const addedMedian = (run: Run | undefined) =>
      run && direct ? round(run.load.latencyMs.p50 - direct.load.latencyMs.p50, 2) : undefined;
    const ratio = (a: Run | undefined, b: Run | undefined) =>
      a && b ? round(a.load.requestsPerSecond / b.load.requestsPerSecond, 3) : undefined;
    return [
      connections,
      added(switchyard),
      addedMedian(switchyard),
      added(native),
      added(portkey),
      added(pglite),
      added(floor),
      addedMedian(floor),
      ratio(switchyard, portkey),
      ratio(native, portkey),
      ratio(pglite, portkey),
      ratio(switchyard, baseline),
      ratio(portkey, direct),
    ];
  });
  printTable(
    'Ratios (same run)',
    [
      'conns',
      'SY-pg p99 − direct',
      'SY-pg p50 − direct',
      'native p99 − direct',
      'Portkey p99 − direct',
      'SY-pglite p99 − direct',
      'floor p99 − direct',
      'floor p50 − direct',
      'SY-pg ÷ Portkey req/s',
      'native ÷ Portkey',
      'SY-pglite ÷ Portkey',
      'SY-pg ÷ baseline',
      'Portkey ÷ direct',
    ],
    ratioRows,
  );
  const perRequest = (cores: number | undefined, run: Run) =>
    typeof cores === 'number' && run.load.requestsPerSecond > 0
      ? Math.round((cores * 1e6) / run.load.requestsPerSecond)
      : undefined;
  printTable(
    'Cost per request (CPU µs = cores busy ÷ req/s; commits from pg_stat_database)',
    ['target', 'conns', 'req/s', 'target CPU µs', 'PostgreSQL CPU µs', 'SQL statements', 'commits'],
    runs.map((run) => [
      run.target,
      run.connections,
      round(run.load.requestsPerSecond),
      perRequest(run.cores.target, run),
      perRequest(run.cores.postgresOurs, run),
      run.queries?.statementsPerUnit,
      run.commitsPerRequest,
    ]),
  );
  printTable(
    'Switchyard job stages from database timestamps (ms, p50 / p99)',
    [
      'target',
      'conns',
      'jobs',
      'via queue',
      'created→attempt',
      'queue wait (queued)',
      'attempt→submitted',
      'submitted→completed',
      'created→completed',
      'client p50',
    ],
    runs
      .filter((run) => run.stages)
      .map((run) => {
        const stages = run.stages as StageSplit;
        const pair = (summary: Summary) =>
          summary.count ? `${round(summary.p50, 1)} / ${round(summary.p99, 1)}` : '-';
        return [
          run.target,
          run.connections,
          stages.jobs,
          stages.viaQueue,
          pair(stages.dispatch),
          pair(stages.queueWait),
          pair(stages.providerCall),
          pair(stages.finish),
          pair(stages.total),
          round(run.load.latencyMs.p50, 1),
        ];
      }),
  );
  printTable(
    'CPU per run (cores busy, 2 available)',
    [
      'target',
      'conns',
      'machine',
      'target proc',
      'fake',
      'postgres (this db)',
      'postgres (all)',
      'bench',
      'other',
    ],
    runs.map((run) => [
      run.target,
      run.connections,
      run.cores.machine,
      run.cores.target,
      run.target === 'direct' ? '(= target)' : run.cores.fake,
      run.cores.postgresOurs,
      run.cores.postgres,
      run.cores.bench,
      run.cores.other,
    ]),
  );
  const counted = runs.filter((run) => run.queries);
  if (counted.length) {
    printTable(
      'Switchyard (PostgreSQL) SQL per request, counted in the gateway by a preload',
      ['target', 'conns', 'statements', 'statement ms', 'pool wait ms', 'req p50 ms'],
      counted.map((run) => [
        run.target,
        run.connections,
        run.queries?.statementsPerUnit,
        run.queries?.statementMsPerUnit,
        run.queries?.poolWaitMsPerUnit,
        round(run.load.latencyMs.p50, 1),
      ]),
    );
    const sample =
      counted.find((run) => run.target === 'switchyard-postgres' && run.connections === 16) ??
      counted[0];
    if (sample?.queries)
      printTable(
        `Costliest statements per request at c=${sample.connections}`,
        ['calls/req', 'mean ms', 'total ms', 'statement'],
        sample.queries.top.map((stats) => [
          stats.callsPerUnit,
          stats.meanMs,
          round(stats.totalMs),
          stats.statement.slice(0, 90),
        ]),
      );
  }
  for (const [name, top] of Object.entries(profiles))
    printTable(
      `Top self time, ${name} gateway (whole process life, --cpu-prof)`,
      ['% of samples', '% of busy', 'function'],
      top.map((entry) => [entry.percent, entry.busyPercent, entry.frame]),
    );
  printTable(
    'Durability (after each Switchyard phase)',
    ['target', '2xx (incl. warm-up)', 'job rows', 'job states', 'provider calls'],
    Object.entries(verifications).map(([target, verification]) => [
      target,
      verification.accepted,
      verification.jobs,
      Object.entries(verification.jobStates)
        .map(([state, count]) => `${state}:${count}`)
        .join(' '),
      verification.providerCalls,
    ]),
  );
  note(
    'created_at is taken when the job is built (before its batched insert commits); via queue = jobs a submit worker fetched, the rest were submitted inline by the request.',
  );
  note(
    'attempt→submitted is the provider call plus storing its files; submitted→completed is 0 when the answer is recorded in the same transaction.',
  );
  note(
    'client p50 − created→completed p50 ≈ HTTP, validation, routing dry run, insert, and the wait/notify/read-back around the job.',
  );
  note(
    'job rows − 2xx = requests cut off when a run stopped (they still complete); provider calls must equal job rows.',
  );
  printTargets(targetsOf(runs, verifications));
  const floor1 = find(runs, 'durable-floor', 1);
  const floor16 = find(runs, 'durable-floor', 16);
  const direct1 = find(runs, 'direct', 1);
  const direct16 = find(runs, 'direct', 16);
  if (floor1 && floor16 && direct1 && direct16) {
    note(
      `durable floor (two single-row commits around the call, nothing else): adds ${round(floor1.load.latencyMs.p50 - direct1.load.latencyMs.p50, 2)} ms median at one connection and ${round(floor16.load.latencyMs.p99 - direct16.load.latencyMs.p99)} ms p99 at 16 on this machine, the least any gateway that commits before and after the call can add here.`,
    );
  }
}

await main();
