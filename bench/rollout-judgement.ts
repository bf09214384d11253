/**
 * Statistical judgement of rollouts (issue 13 §3, benchmark).
 *
 * 1. Evaluation time per interval with 1,000,000 requests in the stage window: the judge reads
 *    rollups (60-s buckets) from the embedded database and runs the four comparisons, so the
 *    cost follows buckets, not requests.
 * 2. Detection time, statistical judge vs the fixed limits alone, on the same seeded runs of
 *    synthetic rollups (test/helpers/simulated-rollout.ts): canaries worse than the baseline
 *    by amounts inside and beyond the runbook's red lines, and healthy ones (false alarms).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { emptyHistogram, latencyBucket } from '../src/analytics/latency-histogram.js';
import { readWindowTotals } from '../src/analytics/rollup-reader.js';
import { RolloutPlanSchema, defaultGuardrails } from '../src/core/rollout-plan.js';
import { compareArms } from '../src/rollout/compare-arms.js';
import { openDatabase } from '../src/store/open-database.js';
import { AnalyticsRepository } from '../src/store/repositories/analytics-repository.js';
import { runMigrations } from '../src/store/run-migrations.js';
import {
  seededRandom,
  simulateRollout,
  type ArmProfile,
  type SimulationOutcome,
} from '../test/helpers/simulated-rollout.js';
import { parseBenchArgs } from './support/cli.js';
import { note, printTable, printTargets, writeResult, type TargetCheck } from './support/report.js';
import { round, summarize } from './support/stats.js';

const args = parseBenchArgs();
const plan = RolloutPlanSchema.parse({
  stages: [
    { weight: 0.1, minDurationSeconds: 3600 },
    { weight: 0.5, minDurationSeconds: 10_800 },
    { weight: 1, minDurationSeconds: 0 },
  ],
  guardrails: defaultGuardrails,
  intervalSeconds: 30,
  breachConfirmations: 1,
});

async function evaluationTime(requests: number) {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-judge-'));
  const database = await openDatabase({ dataDir: directory });
  try {
    await runMigrations(database);
    const repository = new AnalyticsRepository(database);
    const random = seededRandom(7);
    const stageStart = Date.now() - 3_600_000;
    // A one-hour stage at 50 %: 60 buckets per arm, the requests spread evenly.
    const perBucket = Math.round(requests / 60 / 2);
    for (let bucket = 0; bucket < 60; bucket++)
      for (const provider of ['baseline', 'canary']) {
        const histogram = emptyHistogram();
        let latencySum = 0;
        for (let index = 0; index < perBucket; index++) {
          const latency =
            2000 *
            Math.exp(
              0.4 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
            );
          histogram[latencyBucket(latency)]!++;
          latencySum += latency;
        }
        await repository.addToRollup({
          bucketStart: stageStart + bucket * 60_000,
          provider,
          model: 'm',
          routed: perBucket,
          successes: perBucket - Math.round(perBucket * 0.002),
          failures: Math.round(perBucket * 0.002),
          outputs: perBucket,
          costUsd: perBucket * 0.0039,
          latencySum,
          histogram,
          regenerations: Math.round(perBucket * 0.01),
        });
      }
    // One read first, so that the timings below are not the first query's planning and JIT.
    await readWindowTotals(database, {
      since: new Date(stageStart),
      providers: ['baseline', 'canary'],
    });
    const timings: number[] = [];
    const pure: number[] = [];
    for (let run = 0; run < (args.quick ? 10 : 50); run++) {
      const start = performance.now();
      const window = await readWindowTotals(database, {
        since: new Date(stageStart),
        providers: ['baseline', 'canary'],
      });
      const middle = performance.now();
      compareArms(plan, { canary: window.get('canary'), baseline: window.get('baseline') });
      const end = performance.now();
      timings.push(end - start);
      pure.push(end - middle);
    }
    return { requests, read: summarize(timings), compare: summarize(pure) };
  } finally {
    await database.close();
    await rm(directory, { recursive: true, force: true });
  }
}

const healthy: ArmProfile = {
  medianLatencyMs: 2000,
  logSpread: 0.4,
  failureRate: 0.001,
  regenerateRate: 0.01,
  prices: [
    { usd: 0.003, share: 0.7 },
    { usd: 0.006, share: 0.3 },
  ],
};
const scenarios: { name: string; canary: ArmProfile; requestsPerSecond: number }[] = [
  {
    name: 'p95 +30 % (5.0 s, under the 8 s line)',
    canary: { ...healthy, medianLatencyMs: 2600 },
    requestsPerSecond: 5,
  },
  {
    name: 'p95 +100 % (7.7 s, at the line)',
    canary: { ...healthy, medianLatencyMs: 4000 },
    requestsPerSecond: 5,
  },
  {
    name: 'p95 +150 % (9.7 s, over the line)',
    canary: { ...healthy, medianLatencyMs: 5000 },
    requestsPerSecond: 5,
  },
  {
    name: 'failures 0.1 % → 1.5 % (under 2 %)',
    canary: { ...healthy, failureRate: 0.015 },
    requestsPerSecond: 5,
  },
  {
    name: 'redo 1 % → 4 % (under 5 %)',
    canary: { ...healthy, regenerateRate: 0.04 },
    requestsPerSecond: 5,
  },
  {
    name: 'cost +10 % (under 1.2×)',
    canary: {
      ...healthy,
      prices: healthy.prices.map((price) => ({ ...price, usd: price.usd * 1.1 })),
    },
    requestsPerSecond: 5,
  },
];

/**
 * Detection per run, paired: the same seed gives both judges the same traffic, and a run that
 * never rolls back within the stage counts as "never" (so a median can be "never" too).
 */
function describeRuns(outcomes: SimulationOutcome[]) {
  const seconds = outcomes
    .map((outcome) =>
      outcome.outcome === 'rolled_back' ? outcome.stageSeconds : Number.POSITIVE_INFINITY,
    )
    .sort((left, right) => left - right);
  const median = seconds[Math.floor((seconds.length - 1) / 2)]!;
  return {
    detected: seconds.filter(Number.isFinite).length,
    medianSeconds: Number.isFinite(median) ? median : 'never',
  };
}

const costs = [];
for (const requests of args.quick ? [10_000, 1_000_000] : [10_000, 100_000, 1_000_000])
  costs.push(await evaluationTime(requests));

printTable(
  'Evaluation per interval: read the stage window from rollups (PGlite) + four comparisons',
  ['requests in window', 'read + compare median ms', 'p97.5 ms', 'compare alone median ms'],
  costs.map((cost) => [
    cost.requests.toLocaleString('en'),
    round(cost.read.p50, 1),
    round(cost.read.p97_5, 1),
    round(cost.compare.p50, 3),
  ]),
);
const runs = args.quick ? 20 : 100;
const detection = scenarios.map((scenario) => {
  const statistical: SimulationOutcome[] = [];
  const fixed: SimulationOutcome[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const run = {
      plan,
      bucketSeconds: 60,
      requestsPerSecond: scenario.requestsPerSecond,
      baseline: healthy,
      canary: scenario.canary,
      seed,
      lastStage: 0,
    };
    statistical.push(simulateRollout({ ...run, judge: 'comparisons-and-limits' }));
    fixed.push(simulateRollout({ ...run, judge: 'fixed-limits' }));
  }
  return {
    scenario: scenario.name,
    statistical: describeRuns(statistical),
    fixed: describeRuns(fixed),
  };
});

const falseAlarms = [2, 5].map((requestsPerSecond) => {
  const outcomes: SimulationOutcome[] = [];
  for (let seed = 1; seed <= runs; seed++)
    outcomes.push(
      simulateRollout({
        plan,
        bucketSeconds: 60,
        requestsPerSecond,
        baseline: { ...healthy, failureRate: 0.002 },
        canary: { ...healthy, failureRate: 0.002 },
        seed,
        judge: 'comparisons-and-limits',
      }),
    );
  const rolledBack = outcomes.filter((outcome) => outcome.outcome === 'rolled_back');
  return {
    requestsPerSecond,
    runs,
    byComparison: rolledBack.filter((outcome) => outcome.by === 'comparison').length,
    byLimit: rolledBack.filter((outcome) => outcome.by === 'limit').length,
  };
});

printTable(
  `Detection in stage 1 (10 %, 1 h, looks every 30 s), ${runs} seeded runs each`,
  ['canary', 'judge: rolled back', 'median s', 'fixed limits: rolled back', 'median s'],
  detection.map((entry) => [
    entry.scenario,
    `${entry.statistical.detected}/${runs}`,
    entry.statistical.medianSeconds,
    `${entry.fixed.detected}/${runs}`,
    entry.fixed.medianSeconds,
  ]),
);
printTable(
  `False alarms over whole healthy rollouts (0.2 % failures, 10 % 1 h → 50 % 3 h → 100 %), ${runs} runs`,
  ['requests/s', 'rolled back by a comparison', 'by an absolute limit'],
  falseAlarms.map((entry) => [
    entry.requestsPerSecond,
    `${entry.byComparison}/${entry.runs}`,
    `${entry.byLimit}/${entry.runs}`,
  ]),
);
const million = costs.find((cost) => cost.requests === 1_000_000)!;
const targets: TargetCheck[] = [
  {
    name: 'evaluation at 1,000,000 requests',
    target: '≤ 50 ms',
    measured: `${round(million.read.p50, 1)} ms`,
    met: million.read.p50 <= 50,
  },
  {
    name: 'false rollbacks by comparisons',
    target: `≤ α = ${plan.statistics.alpha}`,
    measured: falseAlarms.map((entry) => `${entry.byComparison}/${entry.runs}`).join(', '),
    met: falseAlarms.every((entry) => entry.byComparison <= plan.statistics.alpha * entry.runs),
  },
];
printTargets(targets);
note('Detection times are simulated seconds (synthetic rollups), not wall time.');
await writeResult('rollout-judgement', { costs, detection, falseAlarms, targets });
