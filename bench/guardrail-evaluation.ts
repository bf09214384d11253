/**
 * Guardrail evaluation cost and rollback reaction time (issue: canary rollouts).
 *
 * 1. Evaluation cost with 10k … 1M requests in the window: rollups make it flat, where a
 *    percentile over raw events grows with traffic. Target: ≤ 50 ms at 1,000,000.
 * 2. Reaction time from the onset of a canary degradation to the automatic rollback, with time
 *    compressed (windows of seconds), reported against the "one window plus one interval" bound.
 */
import { AnalyticsRecorder } from '../src/analytics/analytics-recorder.js';
import { readWindowTotals } from '../src/analytics/rollup-reader.js';
import { createLogger } from '../src/observability/logger.js';
import { evaluateGuardrails, type ArmTotals } from '../src/rollout/evaluate-guardrails.js';
import { GuardrailName, RolloutDefaultsSchema } from '../src/core/rollout-plan.js';
import { resolvePlan } from '../src/rollout/resolve-plan.js';
import { openDatabase } from '../src/store/open-database.js';
import { runMigrations } from '../src/store/run-migrations.js';
import { startTestGateway } from '../test/helpers/test-gateway.js';
import { postJson, getJson } from '../test/helpers/http-client.js';
import { RolloutBody } from '../test/helpers/api-schemas.js';
import { startTraffic } from '../test/helpers/traffic.js';
import { createBenchDatabase } from './support/bench-database.js';
import { parseBenchArgs, sleep } from './support/cli.js';
import { printTable, printTargets, note, writeResult, type TargetCheck } from './support/report.js';
import { summarize } from './support/stats.js';

const args = parseBenchArgs();
const logger = createLogger('warn');
const windowMs = 600_000;

async function evaluationCost(requestsInWindow: number) {
  const bench = await createBenchDatabase();
  const database = await openDatabase({ databaseUrl: bench.url, dataDir: '.', maxConnections: 4 });
  try {
    await runMigrations(database);
    const end = Date.now();
    const start = end - windowMs;
    let clock = start;
    const recorder = new AnalyticsRecorder(database, {
      flushIntervalMs: 60_000,
      retentionDays: 30,
      rollupBucketSeconds: 60,
      logger,
      now: () => clock,
    });
    // Requests spread evenly over the 10-minute window, 80/20 baseline/canary, realistic mix.
    const load0 = performance.now();
    for (let index = 0; index < requestsInWindow; index++) {
      clock = start + Math.floor((index / requestsInWindow) * windowMs);
      const provider = index % 5 === 0 ? 'canary' : 'baseline';
      recorder.record({
        type: 'gen_route',
        jobId: `job_${index}`,
        provider,
        model: 'm',
        strategy: 'weighted',
        latencyMs: 20,
      });
      if (index % 101 === 0)
        recorder.record({
          type: 'gen_fail',
          jobId: `job_${index}`,
          provider,
          model: 'm',
          errorCode: 'provider_unavailable',
        });
      else
        recorder.record({
          type: 'gen_ok',
          jobId: `job_${index}`,
          provider,
          model: 'm',
          latencyMs: 800 + (index % 97) * 40,
          costUsd: 0.002,
          details: { outputs: 1 },
        });
      if (index % 41 === 0)
        recorder.record({ type: 'voucher_issued', jobId: `job_${index}`, provider, model: 'm' });
      if (index % 20_000 === 19_999) await recorder.flush();
    }
    await recorder.flush();
    const loadSeconds = (performance.now() - load0) / 1000;

    const plan = resolvePlan(
      { baseline: 'baseline', canary: 'canary' },
      RolloutDefaultsSchema.parse({}),
    );
    const rollupTimes: number[] = [];
    const rawTimes: number[] = [];
    let verdict = '';
    for (let repeat = 0; repeat < 30; repeat++) {
      const started = performance.now();
      const windows = new Map<number, Awaited<ReturnType<typeof readWindowTotals>>>();
      const totals = {} as ArmTotals;
      for (const name of Object.values(GuardrailName)) {
        const seconds = plan.guardrails[name].windowSeconds;
        let window = windows.get(seconds);
        if (!window) {
          window = await readWindowTotals(database, {
            since: new Date(end - seconds * 1000),
            providers: ['baseline', 'canary'],
            model: 'm',
          });
          windows.set(seconds, window);
        }
        totals[name] = { canary: window.get('canary'), baseline: window.get('baseline') };
      }
      const results = evaluateGuardrails(plan, totals, null);
      rollupTimes.push(performance.now() - started);
      verdict = results.map((result) => `${result.name}=${result.status}`).join(' ');
      // The naive alternative: percentile and ratios straight from the raw events.
      if (repeat < 5) {
        const rawStarted = performance.now();
        await database.query(
          `SELECT provider,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE event_type = 'gen_ok') AS p95,
                  count(*) FILTER (WHERE event_type = 'gen_fail')::float / NULLIF(count(*) FILTER (WHERE event_type IN ('gen_ok', 'gen_fail')), 0) AS failure_rate,
                  sum(cost_usd) FILTER (WHERE event_type = 'gen_ok') / NULLIF(count(*) FILTER (WHERE event_type = 'gen_ok'), 0) AS cost
           FROM analytics_events WHERE occurred_at >= $1 AND provider = ANY($2) GROUP BY provider`,
          [new Date(end - windowMs), ['baseline', 'canary']],
        );
        rawTimes.push(performance.now() - rawStarted);
      }
    }
    const rollupRows = (
      await database.query<{ count: number }>('SELECT count(*)::int AS count FROM provider_rollups')
    ).rows[0]!.count;
    return {
      requests: requestsInWindow,
      rollupRows,
      loadSeconds: Math.round(loadSeconds),
      evaluationP50Ms: summarize(rollupTimes).p50,
      evaluationP99Ms: summarize(rollupTimes).p99,
      rawEventsP50Ms: summarize(rawTimes).p50,
      verdict,
    };
  } finally {
    await database.close();
    await bench.drop();
  }
}

async function reactionTime(
  degradation: 'failure_rate' | 'p95_latency',
  windowSeconds: number,
  intervalSeconds: number,
) {
  const adminKey = 'bench-admin-key';
  const admin = { authorization: `Bearer ${adminKey}` };
  const test = await startTestGateway('postgres', {
    adminKey,
    providers: [
      {
        id: 'baseline',
        type: 'simulator',
        latencyMs: { p50: 50, p95: 100 },
        models: ['sim-image'],
      },
      { id: 'canary', type: 'simulator', latencyMs: { p50: 50, p95: 100 }, models: ['sim-image'] },
    ],
    health: { checkIntervalSeconds: 0 },
    analytics: { rollupBucketSeconds: 1, flushIntervalMs: 200 },
    rollouts: { tickSeconds: 0.1, leaseSeconds: 5 },
    jobs: { pollInitialMs: 50, pollMaxMs: 200 },
  });
  const traffic = startTraffic(test.url, { concurrency: 8, model: 'sim-image' });
  try {
    const guardrail = (limit: number) => ({ limit, windowSeconds, minSamples: 10 });
    const started = await postJson(
      `${test.url}/admin/rollouts`,
      {
        baseline: 'baseline',
        canary: 'canary',
        stages: [
          { weight: 0.5, minDurationSeconds: 3600 },
          { weight: 1, minDurationSeconds: 0 },
        ],
        intervalSeconds,
        guardrails: {
          p95_latency: guardrail(1000),
          failure_rate: guardrail(0.02),
          cost_per_output: guardrail(1.2),
          regenerate_rate: guardrail(0.05),
        },
      },
      admin,
    );
    await sleep(windowSeconds * 1000 + 1000);
    const onset = Date.now();
    const profile =
      degradation === 'failure_rate'
        ? { failureRate: 0.1, failureKinds: ['server_error'] }
        : { latencyMs: { p50: 1500, p95: 1800 } };
    await fetch(`${test.url}/admin/providers/canary`, {
      method: 'PATCH',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify(profile),
    });
    const { id } = RolloutBody.parse(started.body);
    for (;;) {
      const rollout = RolloutBody.parse(
        (await getJson(`${test.url}/admin/rollouts/${id}`, admin)).body,
      );
      if (rollout.status !== 'active')
        return {
          degradation,
          windowSeconds,
          intervalSeconds,
          reactionSeconds: (Date.parse(rollout.finished_at!) - onset) / 1000,
          reason: rollout.reason,
        };
      if (Date.now() - onset > 10 * windowSeconds * 1000) throw new Error('no rollback');
      await sleep(50);
    }
  } finally {
    await traffic.stop();
    await test.close();
  }
}

const sizes = args.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const costs = [];
for (const size of sizes) costs.push(await evaluationCost(size));
printTable(
  'Guardrail evaluation (four guardrails, both arms, PostgreSQL, 60 s buckets over a 10-minute window)',
  [
    'requests in window',
    'rollup rows',
    'evaluation p50 ms',
    'evaluation p99 ms',
    'raw-event query p50 ms',
    'verdict',
  ],
  costs.map((cost) => [
    cost.requests.toLocaleString('en'),
    cost.rollupRows,
    cost.evaluationP50Ms.toFixed(2),
    cost.evaluationP99Ms.toFixed(2),
    cost.rawEventsP50Ms.toFixed(1),
    cost.verdict,
  ]),
);
const reactions = [];
for (const degradation of ['failure_rate', 'p95_latency'] as const)
  reactions.push(await reactionTime(degradation, args.quick ? 4 : 10, 1));
printTable(
  'Reaction time: degradation onset → automatic rollback (compressed time, 1 s buckets)',
  ['degradation', 'window s', 'interval s', 'reaction s', 'bound (window + interval) s', 'reason'],
  reactions.map((reaction) => [
    reaction.degradation,
    reaction.windowSeconds,
    reaction.intervalSeconds,
    reaction.reactionSeconds.toFixed(2),
    reaction.windowSeconds + reaction.intervalSeconds,
    reaction.reason,
  ]),
);
const largest = costs[costs.length - 1]!;
const smallest = costs[0]!;
const targets: TargetCheck[] = [
  {
    name: `guardrail evaluation at ${largest.requests.toLocaleString('en')} requests`,
    target: '≤ 50 ms',
    measured: `${largest.evaluationP99Ms.toFixed(2)} ms p99`,
    met: largest.evaluationP99Ms <= 50,
  },
  {
    name: 'evaluation flat as traffic grows',
    target: `p50 at ${largest.requests.toLocaleString('en')} within 2× of ${smallest.requests.toLocaleString('en')}`,
    measured: `${(largest.evaluationP50Ms / smallest.evaluationP50Ms).toFixed(2)}×`,
    met: largest.evaluationP50Ms <= 2 * smallest.evaluationP50Ms,
  },
  ...reactions.map((reaction) => ({
    name: `reaction to ${reaction.degradation}`,
    target: `≤ window + interval (${reaction.windowSeconds + reaction.intervalSeconds} s)`,
    measured: `${reaction.reactionSeconds.toFixed(2)} s`,
    met: reaction.reactionSeconds <= reaction.windowSeconds + reaction.intervalSeconds,
  })),
];
printTargets(targets);
note(
  'Rollup rows grow with window length and providers, not with requests; the raw-event percentile is shown for comparison only.',
);
await writeResult('guardrail-evaluation', { costs, reactions, targets });
