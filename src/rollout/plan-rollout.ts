import { readWindowTotals } from '../analytics/rollup-reader.js';
import {
  RolloutKind,
  rolloutArms,
  type RolloutDefaults,
  type StartRollout,
} from '../core/rollout-plan.js';
import type { Database } from '../store/database.js';
import {
  planStageDurations,
  type CurrentTraffic,
  type StageSampleSizes,
} from './plan-stage-durations.js';
import { resolvePlan } from './resolve-plan.js';

/** What `rollout start --dry-run` answers: the plan as it would be stored, and how long each stage needs. */
export interface RolloutDryRun {
  object: 'rollout_dry_run';
  plan: ReturnType<typeof resolvePlan>;
  traffic: CurrentTraffic & { measuredOverSeconds: number };
  stages: StageSampleSizes[];
}

const measuredOverSeconds = 3600;

/**
 * Sizes a rollout's stages at the traffic of the last hour in its scope (the baseline's rates
 * and latency spread), without starting anything.
 */
export async function planRollout(
  database: Database,
  request: StartRollout,
  options: { defaults: RolloutDefaults; bucketSeconds: number; now: number },
): Promise<RolloutDryRun> {
  const plan = resolvePlan(request, options.defaults);
  const arms = rolloutArms(request);
  // A model rollout's traffic is its baseline model's requests, on any provider.
  const window = await readWindowTotals(database, {
    since: new Date(options.now - measuredOverSeconds * 1000),
    model: arms.model ?? undefined,
    by: arms.kind === RolloutKind.model ? 'model' : 'provider',
  });
  const routed = [...window.values()].reduce((sum, totals) => sum + totals.routed, 0);
  const baseline = window.get(arms.baseline);
  const p50 = baseline?.p50LatencyMs ?? null;
  const p95 = baseline?.p95LatencyMs ?? null;
  const traffic: CurrentTraffic = {
    requestsPerSecond: routed / measuredOverSeconds,
    failureRate: baseline?.failureRate ?? null,
    regenerateRate: baseline?.regenerateRate ?? null,
    // Log-normal: ln p95 − ln p50 = 1.645 σ. Histogram bounds make it coarse; equal bounds say nothing.
    logSpread: p50 && p95 && p95 > p50 ? Math.log(p95 / p50) / 1.645 : null,
    bucketSeconds: options.bucketSeconds,
  };
  return {
    object: 'rollout_dry_run',
    plan,
    traffic: { ...traffic, measuredOverSeconds },
    stages: planStageDurations(plan, traffic),
  };
}
