import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createBenchDatabase, type BenchDatabase } from './support/bench-database.js';
import { parseBenchArgs, sleep } from './support/cli.js';
import { coresUsed, cpuSnapshot, type CpuSnapshot } from './support/cpu.js';
import { newestProfile, topSelfTime, type SelfTime } from './support/cpu-profile-top.js';
import { startGatewayChild } from './support/gateway-child.js';
import { loadHeaders, loadRow, runLoad, type LoadResult } from './support/load.js';
import {
  activityPerUnit,
  activitySnapshot,
  backendPids,
  type ActivityPerUnit,
} from './support/pg-activity.js';
import { note, printTable, printTargets, writeResult, type TargetCheck } from './support/report.js';
import { queriesPerUnit, readQueryWindows, type QueriesPerUnit } from './support/query-report.js';
import { round } from './support/stats.js';

/**
 * Issue target: "job creation rate and p50/p99 latency on PostgreSQL at 16 concurrent clients
 * … ≥ 1,000 creations/s with p99 ≤ 25 ms"; issue 14 raises it, with workers in the same process,
 * to ≥ 1,500/s at p99 ≤ 25 ms.
 *
 * The gateway runs as a child process on a fresh PostgreSQL database: autocannon is
 * JavaScript too, and in the same process its work would sit on the gateway's event loop and
 * inflate every latency; as two processes the OS spreads them over the two cores, as a real
 * client and server would be. Two variants in the same run:
 *
 * - `workers on`: `src/main.ts` as `npm start` runs it. The simulator answers after 10 minutes,
 *   so each job is submitted once and then polled with backoff (1 s, 1.5 s, 2.25 s …: about two
 *   polls per job within the run). The workers compete with job creation for the CPU and the
 *   database, which is the realistic single-node case.
 * - `api only`: the same gateway without queue workers (a split deployment's API node), to
 *   show what accepting a job costs on its own.
 */

const body = JSON.stringify({ model: 'sim-image', prompt: 'bench', width: 64, height: 64 });
const connections = 16;
/** PostgreSQL 15 publishes an idle backend's counters after at most this long (10 s + margin). */
const statisticsFlushMs = 11_000;
/** `BENCH_CPU_PROFILE_DIR=<dir>`: profile each gateway (`--cpu-prof`) and print its top self time. */
const profileDir = process.env.BENCH_CPU_PROFILE_DIR;

interface Verification {
  /** Job rows created during the measured run. */
  jobsCreated: number;
  /** 202 answers received during the measured run. */
  accepted: number;
  /** All rows in `generations` (warm-up included). */
  jobsTotal: number;
  /** All 202s (warm-up included). */
  acceptedTotal: number;
  /** `generation-submit` messages (live and archived). */
  submitMessages: number;
  /**
   * Job rows with neither exactly one submit message nor a first attempt stored with them (a
   * job submitted inline, ADR 0024, has no message unless its backstop fired); should be 0.
   */
  jobsWithoutExactlyOneMessage: number;
  /** Submit messages whose job row does not exist (should be 0). */
  orphanMessages: number;
  /** Submit messages by pg-boss state. */
  messageStates: Record<string, number>;
  /** Jobs by status. */
  jobStates: Record<string, number>;
}

async function countJobs(database: BenchDatabase): Promise<number> {
  const [row] = await database.rows<{ count: number }>(
    'SELECT count(*)::int AS count FROM generations',
  );
  return row?.count ?? 0;
}

async function verify(
  database: BenchDatabase,
  jobsBefore: number,
  accepted: number,
  acceptedTotal: number,
): Promise<Verification> {
  const messages = `
    SELECT data->>'jobId' AS job_id, state FROM pgboss.job WHERE name = 'generation-submit'
    UNION ALL
    SELECT data->>'jobId', state FROM pgboss.archive WHERE name = 'generation-submit'`;
  const [row] = await database.rows<{
    jobs: number;
    messages: number;
    not_one: number;
    orphans: number;
  }>(
    `WITH m AS (${messages}),
          c AS (SELECT job_id, count(*) AS n FROM m GROUP BY job_id)
     SELECT (SELECT count(*) FROM generations)::int AS jobs,
            (SELECT count(*) FROM m)::int AS messages,
            (SELECT count(*) FROM generations g LEFT JOIN c ON c.job_id = g.id
              WHERE coalesce(c.n, 0) > 1
                 OR (c.n IS NULL AND NOT EXISTS (
                       SELECT 1 FROM generation_attempts a WHERE a.generation_id = g.id)))::int
              AS not_one,
            (SELECT count(*) FROM c LEFT JOIN generations g ON g.id = c.job_id
              WHERE g.id IS NULL)::int AS orphans`,
  );
  const states = await database.rows<{ state: string; count: number }>(
    `SELECT state::text, count(*)::int AS count FROM (${messages}) m GROUP BY state ORDER BY state`,
  );
  const statuses = await database.rows<{ status: string; count: number }>(
    'SELECT status, count(*)::int AS count FROM generations GROUP BY status ORDER BY status',
  );
  const jobsTotal = row?.jobs ?? 0;
  return {
    jobsCreated: jobsTotal - jobsBefore,
    accepted,
    jobsTotal,
    acceptedTotal,
    submitMessages: row?.messages ?? 0,
    jobsWithoutExactlyOneMessage: row?.not_one ?? 0,
    orphanMessages: row?.orphans ?? 0,
    messageStates: Object.fromEntries(states.map((state) => [state.state, state.count])),
    jobStates: Object.fromEntries(statuses.map((status) => [status.status, status.count])),
  };
}

interface VariantResult {
  variant: string;
  load: LoadResult;
  verification: Verification;
  /** Average cores busy during the measured run. */
  cores: Record<string, number>;
  /** PostgreSQL work per job created in the measured run (workers' work included). */
  databasePerJob: ActivityPerUnit;
  /** `generation-poll` messages sent during the run, per job created. */
  pollsPerJob: number;
  /** The gateway's SQL statements during the run, per job created (client-side count). */
  queriesPerJob: QueriesPerUnit | null;
  /** CPU time per job created in the measured run, in µs (workers' work included). */
  cpuMicrosPerJob: { gateway: number; postgres: number };
  /** Share of the jobs created in the measured run that workers submitted before it ended. */
  submittedShare: number;
  /** Top self-time functions of the gateway, when `BENCH_CPU_PROFILE_DIR` is set. */
  profile?: SelfTime[];
}

/** CPU seconds between two snapshots, per job, in µs: the gateway and our database's backends. */
function cpuMicrosPerJob(before: CpuSnapshot, after: CpuSnapshot, jobs: number) {
  const per = (seconds: number) => (jobs > 0 ? Math.round((seconds * 1e6) / jobs) : 0);
  let postgres = 0;
  // A backend that appeared in between started at 0.
  for (const [pid, seconds] of Object.entries(after.backends))
    postgres += seconds - (before.backends[Number(pid)] ?? 0);
  return {
    gateway: per((after.processes.gateway ?? 0) - (before.processes.gateway ?? 0)),
    postgres: per(postgres),
  };
}

/** The database's clock (job timestamps are its `now()`, not the bench's). */
async function databaseNow(database: BenchDatabase): Promise<string> {
  const [row] = await database.rows<{ now: string }>('SELECT now()::text AS now');
  return row?.now ?? '';
}

/**
 * Of the jobs created between `from` and `to`, the share submitted by then: whether the
 * workers keep up with creation, or creation only looks fast because submission lags behind.
 */
async function submittedShare(database: BenchDatabase, from: string, to: string): Promise<number> {
  const [row] = await database.rows<{ created: number; submitted: number }>(
    `SELECT count(*)::int AS created,
            count(*) FILTER (WHERE submitted_at <= $2::timestamptz)::int AS submitted
       FROM generations WHERE created_at >= $1::timestamptz AND created_at <= $2::timestamptz`,
    [from, to],
  );
  return row && row.created > 0 ? round(row.submitted / row.created, 3) : 0;
}

/**
 * Polls scheduled so far: pg-boss poll messages (a build before ADR 0023) plus each attempt's
 * poll number (a build since, whose polls are due times on the attempt rows).
 */
async function countPollMessages(database: BenchDatabase): Promise<number> {
  const [queued] = await database.rows<{ count: number }>(
    `SELECT ((SELECT count(*) FROM pgboss.job WHERE name = 'generation-poll')
           + (SELECT count(*) FROM pgboss.archive WHERE name = 'generation-poll'))::int AS count`,
  );
  const [onRows] = await database
    .rows<{ count: number }>(
      'SELECT coalesce(sum(poll_number), 0)::int AS count FROM generation_attempts',
    )
    .catch(() => [{ count: 0 }]); // no such column before ADR 0023
  return (queued?.count ?? 0) + (onRows?.count ?? 0);
}

/** One gateway configuration measured: which entry, and which checkout's build. */
interface Variant {
  name: string;
  entry: 'main' | 'api-only';
  /** A baseline checkout's built gateway (A/B in one run); this one's when absent. */
  checkout?: string;
}

/**
 * `BENCH_BASELINE_DIR=<a built checkout>` adds that build's workers-on gateway, alternated with
 * this one's for `BENCH_ROUNDS` rounds (2 by default): on a shared machine only figures taken
 * side by side in one run compare.
 */
function variantsToRun(): Variant[] {
  const baseline = process.env.BENCH_BASELINE_DIR;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const variants: Variant[] = [];
  if (baseline)
    for (let round = 0; round < rounds; round++)
      variants.push(
        { name: 'workers on (baseline)', entry: 'main', checkout: baseline },
        { name: 'workers on', entry: 'main' },
      );
  else variants.push({ name: 'workers on', entry: 'main' });
  variants.push({ name: 'api only', entry: 'api-only' });
  return variants;
}

async function runVariant(
  { name: variant, entry, checkout }: Variant,
  seconds: { warmUp: number; measure: number },
  index: number,
): Promise<VariantResult> {
  const database = await createBenchDatabase();
  const profileName = `switchyard-jobs-${index}-${variant.replace(/\W+/g, '-')}`;
  const queryStatsFile = path.join(
    os.tmpdir(),
    `switchyard-bench-queries-${process.pid}-${variant.replace(/\W+/g, '-')}.jsonl`,
  );
  const gateway = await startGatewayChild({
    databaseUrl: database.url,
    queryStatsFile,
    entry,
    profileName,
    ...(checkout ? { checkout } : {}),
    config: {
      providers: [
        {
          id: 'simulator',
          type: 'simulator',
          models: ['sim-image'],
          // Ten minutes: every job stays in flight, so workers do one submit and rare polls.
          latencyMs: { p50: 600_000, p95: 600_000 },
        },
      ],
    },
  });
  try {
    const request = {
      url: `${gateway.url}/v1/generations`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body,
      connections,
    };
    const warmUp = await runLoad({ ...request, durationSeconds: seconds.warmUp });
    // PostgreSQL publishes an idle backend's statistics only every 10 s: wait that out so the
    // warm-up's counts are all in before the first snapshot (it also lets workers catch up).
    await sleep(statisticsFlushMs);
    // A fresh database has never been analyzed (reltuples −1): the planner then guesses ten
    // pages per table and picks scans over primary-key lookups, as it does only in a real
    // database's first minute, until autovacuum's first round. The measured run is meant to be
    // the steady state, so the statistics autovacuum would have gathered are gathered here.
    await database.rows('ANALYZE');
    const jobsBefore = await countJobs(database);
    const pollsBefore = await countPollMessages(database);
    const activityBefore = await activitySnapshot(database);
    const pids = { gateway: gateway.pid, bench: process.pid };
    const before = await cpuSnapshot(pids, await backendPids(database));
    const from = await databaseNow(database);
    gateway.toggleWindow();
    const load = await runLoad({ ...request, durationSeconds: seconds.measure });
    gateway.toggleWindow();
    const after = await cpuSnapshot(pids, await backendPids(database));
    const to = await databaseNow(database);
    const pollsAfter = await countPollMessages(database);
    // A backend flushes its statistics when it exits: stopping the gateway (which lets the
    // requests cut off at the end commit) makes the closing snapshot complete at once, without
    // ten more seconds of background polling in it.
    await gateway.stop();
    const activityAfter = await activitySnapshot(database);
    const verification = await verify(database, jobsBefore, load.ok2xx, warmUp.ok2xx + load.ok2xx);
    const [queries] = await readQueryWindows(queryStatsFile);
    // Written when the gateway exits (it has by now).
    const profileFile = profileDir ? await newestProfile(profileDir, profileName) : undefined;
    return {
      variant,
      load,
      verification,
      cores: coresUsed(before, after),
      databasePerJob: activityPerUnit(activityBefore, activityAfter, verification.jobsCreated),
      pollsPerJob: round((pollsAfter - pollsBefore) / Math.max(1, verification.jobsCreated)),
      queriesPerJob: queries ? queriesPerUnit(queries, verification.jobsCreated) : null,
      cpuMicrosPerJob: cpuMicrosPerJob(before, after, verification.jobsCreated),
      submittedShare: await submittedShare(database, from, to),
      ...(profileFile ? { profile: await topSelfTime(profileFile, 15) } : {}),
    };
  } finally {
    await gateway.stop();
    await database.drop();
    await rm(queryStatsFile, { force: true });
  }
}

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const seconds = quick ? { warmUp: 2, measure: 5 } : { warmUp: 3, measure: 15 };
  process.stdout.write(
    `job creation: POST /v1/generations, ${connections} connections, ${seconds.measure} s after a ${seconds.warmUp} s warm-up, PostgreSQL\n`,
  );
  const results: VariantResult[] = [];
  for (const [index, variant] of variantsToRun().entries()) {
    process.stdout.write(`· ${variant.name}${variant.checkout ? ` (${variant.checkout})` : ''}\n`);
    results.push(await runVariant(variant, seconds, index));
  }

  printTable(
    'Job creation (latency of 202 answers)',
    ['variant', ...loadHeaders],
    results.map((result) => [result.variant, ...loadRow(result.load)]),
  );
  printTable(
    'Durability check (SQL after the run)',
    [
      'variant',
      '202s',
      'jobs created',
      'jobs − 202s',
      'jobs (all)',
      'submit msgs (all)',
      'jobs without work',
      'orphan msgs',
      'msg states',
      'job states (end)',
    ],
    results.map(({ variant, verification: v }) => [
      variant,
      v.accepted,
      v.jobsCreated,
      v.jobsTotal - v.acceptedTotal,
      v.jobsTotal,
      v.submitMessages,
      v.jobsWithoutExactlyOneMessage,
      v.orphanMessages,
      Object.entries(v.messageStates)
        .map(([state, count]) => `${state}:${count}`)
        .join(' '),
      Object.entries(v.jobStates)
        .map(([state, count]) => `${state}:${count}`)
        .join(' '),
    ]),
  );
  printTable(
    'CPU during the measured run (cores busy, 2 available)',
    [
      'variant',
      'machine',
      'gateway',
      'postgres (this db)',
      'postgres (all)',
      'bench (autocannon)',
      'other',
    ],
    results.map(({ variant, cores }) => [
      variant,
      cores.machine,
      cores.gateway,
      cores.postgresOurs,
      cores.postgres,
      cores.bench,
      cores.other,
    ]),
  );
  printTable(
    'Cost per job created (measured run; workers included)',
    [
      'variant',
      'creations/s',
      'p50 ms',
      'p99 ms',
      'gateway CPU µs',
      'postgres CPU µs',
      'SQL stmts',
      'commits',
      'submitted in run',
    ],
    results.map((result) => [
      result.variant,
      result.load.requestsPerSecond,
      round(result.load.latencyMs.p50),
      round(result.load.latencyMs.p99),
      result.cpuMicrosPerJob.gateway,
      result.cpuMicrosPerJob.postgres,
      result.queriesPerJob?.statementsPerUnit,
      result.databasePerJob.commits,
      `${round(result.submittedShare * 100, 1)}%`,
    ]),
  );
  note(
    'CPU µs: user + system time of the gateway process and of our database’s backends, divided by the jobs created; submitted in run: share of those jobs whose submitted_at is before the run ended.',
  );
  printTable(
    'PostgreSQL work per job created (pg_stat_database / pg_stat_user_tables deltas)',
    [
      'variant',
      'SQL stmts',
      'stmt ms',
      'commits',
      'pool wait ms',
      'rows ins',
      'rows upd',
      'rows del',
      'rows scanned',
      'polls sent',
      'busiest tables (ins/upd/del)',
    ],
    results.map(({ variant, databasePerJob: db, pollsPerJob, queriesPerJob: q }) => [
      variant,
      q?.statementsPerUnit,
      q?.statementMsPerUnit,
      db.commits,
      q?.poolWaitMsPerUnit,
      db.rowsInserted,
      db.rowsUpdated,
      db.rowsDeleted,
      db.rowsScanned,
      pollsPerJob,
      db.tables
        .slice(0, 4)
        .map((table) => `${table.table} ${table.inserted}/${table.updated}/${table.deleted}`)
        .join(', '),
    ]),
  );
  note(
    'SQL stmts / stmt ms: statements the gateway sent (BEGIN/COMMIT included) and their client-observed time, counted by a preload; rows: pg_stat_user_tables.',
  );
  for (const { variant, queriesPerJob } of results) {
    if (!queriesPerJob) continue;
    printTable(
      `Costliest statements per job created (${variant})`,
      ['calls/job', 'mean ms', 'total ms', 'statement'],
      queriesPerJob.top.map((stats) => [
        stats.callsPerUnit,
        stats.meanMs,
        round(stats.totalMs),
        stats.statement.slice(0, 90),
      ]),
    );
  }
  for (const { variant, profile } of results) {
    if (!profile) continue;
    printTable(
      `Top self time, gateway (${variant})`,
      ['% busy', '% all', 'function'],
      profile.map((entry) => [entry.busyPercent, entry.percent, entry.frame.slice(0, 100)]),
    );
  }
  note(
    "'other' is CPU used by processes outside this benchmark (the machine is shared); when it is high, absolute figures are depressed.",
  );
  note(
    'jobs − 202s counts requests the gateway committed after autocannon stopped waiting (at most one per connection per run).',
  );
  note(
    "job states (end): a job still 'queued' was not submitted yet when the gateway stopped (workers behind creation).",
  );
  note(
    'jobs without work and orphan msgs must be 0: every stored job has exactly one submit message or was submitted inline (its first attempt stored with it), and every message has its job; (all) includes the warm-up.',
  );

  const workersOn = results.findLast((result) => result.variant === 'workers on');
  const targets: TargetCheck[] = [];
  for (const result of results) {
    if (result.variant.includes('baseline')) continue;
    const label = result.variant === 'workers on' ? '' : ` (${result.variant})`;
    targets.push(
      {
        name: `creation rate${label}`,
        target: '≥ 1,500/s',
        measured: `${result.load.requestsPerSecond}/s`,
        met: result.load.requestsPerSecond >= 1500,
      },
      {
        name: `creation p99${label}`,
        target: '≤ 25 ms',
        measured: `${round(result.load.latencyMs.p99)} ms`,
        met: result.load.latencyMs.p99 <= 25,
      },
    );
  }
  const durable = results.every(
    ({ verification: v, load }) =>
      v.jobsWithoutExactlyOneMessage === 0 &&
      v.orphanMessages === 0 &&
      load.non2xx === 0 &&
      v.jobsTotal - v.acceptedTotal >= 0 &&
      v.jobsTotal - v.acceptedTotal <= 2 * connections,
  );
  targets.push({
    name: 'one job + its submit message or inline attempt per 202',
    target: 'exact',
    measured: durable ? 'verified' : 'MISMATCH (see table)',
    met: durable,
  });
  printTargets(targets);
  if (workersOn && results.length > 1) {
    const apiOnly = results.find((result) => result.variant === 'api only');
    if (apiOnly)
      note(
        `workers cost: api-only serves ${round(apiOnly.load.requestsPerSecond / workersOn.load.requestsPerSecond)}× the rate of workers-on in this run.`,
      );
  }
  // Each baseline row is followed by this build's: their ratio is the A/B of that round.
  results.forEach((result, index) => {
    const after = results[index + 1];
    if (!result.variant.includes('baseline') || after?.variant !== 'workers on') return;
    const ratio = (pick: (entry: VariantResult) => number | undefined) => {
      const before = pick(result);
      const now = pick(after);
      return before && now !== undefined ? round(now / before) : '–';
    };
    note(
      `A/B round: this build ÷ baseline, workers on: creations/s ${ratio((entry) => entry.load.requestsPerSecond)}×, p99 ${ratio((entry) => entry.load.latencyMs.p99)}×, gateway CPU µs/job ${ratio((entry) => entry.cpuMicrosPerJob.gateway)}×, PostgreSQL CPU µs/job ${ratio((entry) => entry.cpuMicrosPerJob.postgres)}×, SQL statements/job ${ratio((entry) => entry.queriesPerJob?.statementsPerUnit)}×, commits/job ${ratio((entry) => entry.databasePerJob.commits)}×, PostgreSQL cores ${ratio((entry) => entry.cores.postgresOurs)}×.`,
    );
  });
  await writeResult('job-creation', {
    quick,
    connections,
    seconds,
    body: JSON.parse(body) as unknown,
    variants: results,
    targets,
  });
}

await main();
