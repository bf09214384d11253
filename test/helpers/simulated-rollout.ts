import { totalsFromRollups, type WindowTotals } from '../../src/analytics/rollup-reader.js';
import { emptyHistogram, latencyBucket } from '../../src/analytics/latency-histogram.js';
import { GuardrailName, type RolloutPlan } from '../../src/core/rollout-plan.js';
import type { RollupRow } from '../../src/store/repositories/analytics-repository.js';
import {
  compareArms,
  describeComparison,
  type ArmComparison,
} from '../../src/rollout/compare-arms.js';
import {
  describeBreach,
  evaluateGuardrails,
  type ArmTotals,
} from '../../src/rollout/evaluate-guardrails.js';

/** How one arm behaves: log-normal latency, Bernoulli failures and redos, a mix of prices. */
export interface ArmProfile {
  medianLatencyMs: number;
  /** Standard deviation of log latency. */
  logSpread: number;
  failureRate: number;
  regenerateRate: number;
  /** Prices per output and the share of requests at each (sizes, durations). */
  prices: { usd: number; share: number }[];
}

export interface SimulationOptions {
  plan: RolloutPlan;
  requestsPerSecond: number;
  bucketSeconds: number;
  baseline: ArmProfile;
  canary: ArmProfile;
  seed: number;
  /** `fixed`: only the absolute limits decide (the controller before the comparisons). */
  judge: 'comparisons-and-limits' | 'fixed-limits';
  /** Stop after this stage (0-based) instead of running the whole plan. */
  lastStage?: number;
}

export interface SimulationOutcome {
  /** `held`: the stage could not promote (a check stayed inconclusive) within twice its length. */
  outcome: 'completed' | 'rolled_back' | 'stage_ended' | 'held';
  stage: number;
  /** Seconds from the start of the stage to the decision. */
  stageSeconds: number;
  /** What rolled back: a comparison, an absolute limit, or nothing. */
  by: 'comparison' | 'limit' | null;
  reason: string | null;
  /** Each evaluation's comparisons are kept only for the last one. */
  lastComparisons: ArmComparison[];
  looks: number;
}

/** A small, fast, seedable generator (mulberry32) so that every run is repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  // Box-Muller; 1 − u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface TimedRow extends RollupRow {
  bucketStart: number;
}

/**
 * A rollout over synthetic rollups: requests arrive at a steady rate, are split by the stage
 * weight, and are written into per-bucket rollup rows exactly as the analytics recorder adds
 * them. At every interval the real judge reads the rows of its windows (`totalsFromRollups`,
 * `evaluateGuardrails`, `compareArms`) and the controller's rules decide. Seconds, not wall time.
 */
export function simulateRollout(options: SimulationOptions): SimulationOutcome {
  const { plan, bucketSeconds } = options;
  const random = seededRandom(options.seed);
  const rows = new Map<string, TimedRow>();
  const rowFor = (second: number, provider: string): TimedRow => {
    const bucketStart = Math.floor(second / bucketSeconds) * bucketSeconds;
    const key = `${bucketStart}|${provider}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        bucketStart,
        provider,
        model: 'm',
        routed: 0,
        successes: 0,
        failures: 0,
        outputs: 0,
        cost_usd: 0,
        latency_ms_sum: 0,
        latency_histogram: emptyHistogram(),
        regenerations: 0,
      };
      rows.set(key, row);
    }
    return row;
  };
  const request = (second: number, provider: string, profile: ArmProfile) => {
    const row = rowFor(second, provider);
    row.routed++;
    if (random() < profile.failureRate) {
      row.failures++;
      return;
    }
    row.successes++;
    row.outputs++;
    let pick = random();
    const price = profile.prices.find((entry) => (pick -= entry.share) < 0) ?? profile.prices[0]!;
    row.cost_usd += price.usd;
    const latency = profile.medianLatencyMs * Math.exp(profile.logSpread * gaussian(random));
    row.latency_ms_sum += latency;
    row.latency_histogram[latencyBucket(latency)]!++;
    if (random() < profile.regenerateRate) row.regenerations++;
  };
  const since = (second: number): Map<string, WindowTotals> =>
    totalsFromRollups([...rows.values()].filter((row) => row.bucketStart >= second));

  const interval = plan.intervalSeconds;
  const lastStage = options.lastStage ?? plan.stages.length - 1;
  let now = 0;
  let stage = 0;
  let stageStart = 0;
  let looks = 0;
  let baselineCostReference: number | null = null;
  const streaks: Record<string, number> = {};
  let lastComparisons: ArmComparison[] = [];
  for (;;) {
    // One interval of traffic, spread evenly.
    const weight = plan.stages[stage]!.weight;
    const count = Math.round(options.requestsPerSecond * interval);
    for (let index = 0; index < count; index++) {
      const second = now + (index / count) * interval;
      if (random() < weight) request(second, 'canary', options.canary);
      else request(second, 'baseline', options.baseline);
    }
    now += interval;
    looks++;
    const byWindow = new Map<number, Map<string, WindowTotals>>();
    const totals = {} as ArmTotals;
    for (const name of Object.values(GuardrailName)) {
      const windowSeconds = plan.guardrails[name].windowSeconds;
      let window = byWindow.get(windowSeconds);
      if (!window) byWindow.set(windowSeconds, (window = since(now - windowSeconds)));
      totals[name] = { canary: window.get('canary'), baseline: window.get('baseline') };
    }
    const baselineCost = totals.cost_per_output.baseline;
    if (
      baselineCost?.costPerOutputUsd != null &&
      baselineCost.outputs >= plan.guardrails.cost_per_output.minSamples
    )
      baselineCostReference = baselineCost.costPerOutputUsd;
    const guardrails = evaluateGuardrails(plan, totals, baselineCostReference);
    for (const result of guardrails)
      streaks[result.name] = result.status === 'breach' ? (streaks[result.name] ?? 0) + 1 : 0;
    const confirmed = guardrails.filter(
      (result) => result.status === 'breach' && streaks[result.name]! >= plan.breachConfirmations,
    );
    const stageTotals = since(stageStart);
    lastComparisons =
      options.judge === 'comparisons-and-limits'
        ? compareArms(plan, {
            canary: stageTotals.get('canary'),
            baseline: stageTotals.get('baseline'),
          })
        : [];
    const worse = lastComparisons.filter((result) => result.status === 'worse');
    const stageSeconds = now - stageStart;
    if (confirmed.length || worse.length)
      return {
        outcome: 'rolled_back',
        stage,
        stageSeconds,
        by: worse.length ? 'comparison' : 'limit',
        reason: [...confirmed.map(describeBreach), ...worse.map(describeComparison)].join('; '),
        lastComparisons,
        looks,
      };
    const passing = guardrails.every(
      (result) => result.status === 'pass' || result.status === 'disabled',
    );
    if (stageSeconds > Math.max(2 * plan.stages[stage]!.minDurationSeconds, 3600))
      return {
        outcome: 'held',
        stage,
        stageSeconds,
        by: null,
        reason: null,
        lastComparisons,
        looks,
      };
    if (stageSeconds >= plan.stages[stage]!.minDurationSeconds && passing) {
      if (stage >= lastStage)
        return {
          outcome: stage + 1 >= plan.stages.length ? 'completed' : 'stage_ended',
          stage,
          stageSeconds,
          by: null,
          reason: null,
          lastComparisons,
          looks,
        };
      stage++;
      stageStart = now;
      for (const name of Object.keys(streaks)) streaks[name] = 0;
    }
  }
}
