import { describe, expect, it } from 'vitest';
import { RolloutPlanSchema, defaultGuardrails, type RolloutPlan } from '../core/rollout-plan.js';
import {
  simulateRollout,
  type ArmProfile,
  type SimulationOutcome,
} from '../../test/helpers/simulated-rollout.js';

// The runbook's plan: 10 % for 1 h, 50 % for 3 h, 100 %; evaluated every 30 s; α = 0.05.
const plan: RolloutPlan = RolloutPlanSchema.parse({
  stages: [
    { weight: 0.1, minDurationSeconds: 3600 },
    { weight: 0.5, minDurationSeconds: 10_800 },
    { weight: 1, minDurationSeconds: 0 },
  ],
  guardrails: defaultGuardrails,
  intervalSeconds: 30,
  breachConfirmations: 1,
});

// A healthy provider, well inside the runbook's red lines: p95 ≈ 3.9 s (limit 8 s: the window's
// p95 is the upper bound of a 25 % bucket over some 150 requests, so it must stay clear), 0.1 %
// failures (limit 2 %: at 0.2 % three chance failures in 147 requests cross it in about one
// healthy rollout in ten, which no comparison can prevent), 1 % redos (limit 5 %), two prices.
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
// Every request 30 % slower: p95 ≈ 5.0 s, still under the 8 s red line.
const slower: ArmProfile = { ...healthy, medianLatencyMs: healthy.medianLatencyMs * 1.3 };
const runs = 200;
// 5 requests/s: the canary's 300-s windows hold about 150 requests at 10 % (at 2/s, 60: two
// chance failures then cross the absolute 2 % line; see bench/rollout-judgement.ts).
const common = { plan, requestsPerSecond: 5, bucketSeconds: 60 } as const;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe(
  'statistical judgement over repeated looks (synthetic rollups, seeded)',
  { timeout: 300_000 },
  () => {
    it('should roll back at most α of 200 healthy rollouts evaluated every 30 s', () => {
      const outcomes: SimulationOutcome[] = [];
      for (let seed = 1; seed <= runs; seed++)
        outcomes.push(
          simulateRollout({
            ...common,
            baseline: healthy,
            canary: healthy,
            seed,
            judge: 'comparisons-and-limits',
          }),
        );
      const rolledBack = outcomes.filter((outcome) => outcome.outcome === 'rolled_back');
      const byComparison = rolledBack.filter((outcome) => outcome.by === 'comparison');
      console.info(
        `false alarms: ${rolledBack.length}/${runs} healthy rollouts rolled back (${byComparison.length} by a comparison, ${rolledBack.length - byComparison.length} by an absolute limit); α = ${plan.statistics.alpha}; ${outcomes[0]!.looks} looks each`,
      );
      expect(outcomes.filter((outcome) => outcome.outcome === 'held')).toEqual([]);
      expect(byComparison.length).toBeLessThanOrEqual(plan.statistics.alpha * runs);
      expect(rolledBack.length).toBeLessThanOrEqual(plan.statistics.alpha * runs);
      expect(outcomes.filter((outcome) => outcome.outcome === 'completed').length).toBe(
        runs - rolledBack.length,
      );
    });

    it('should roll back a canary with a 30 % worse p95 within its first stage in ≥ 90 % of 200 runs, sooner than fixed limits', () => {
      const statistical: SimulationOutcome[] = [];
      const fixed: SimulationOutcome[] = [];
      for (let seed = 1; seed <= runs; seed++) {
        const run = { ...common, baseline: healthy, canary: slower, seed, lastStage: 0 };
        statistical.push(simulateRollout({ ...run, judge: 'comparisons-and-limits' }));
        fixed.push(simulateRollout({ ...run, judge: 'fixed-limits' }));
      }
      const detected = statistical.filter(
        (outcome) => outcome.outcome === 'rolled_back' && outcome.stage === 0,
      );
      const fixedDetected = fixed.filter((outcome) => outcome.outcome === 'rolled_back');
      const seconds = detected.map((outcome) => outcome.stageSeconds);
      console.info(
        `power: ${detected.length}/${runs} rolled back within stage 1 (10 %, 1 h); detection after median ${median(seconds)} s (max ${Math.max(...seconds)} s); fixed limits alone: ${fixedDetected.length}/${runs}${fixedDetected.length ? `, median ${median(fixedDetected.map((outcome) => outcome.stageSeconds))} s` : ''}`,
      );
      expect(detected.length).toBeGreaterThanOrEqual(0.9 * runs);
      const byLatencyComparison = detected.filter((outcome) =>
        outcome.reason?.includes('p95_latency canary worse'),
      );
      expect(byLatencyComparison.length).toBeGreaterThanOrEqual(0.9 * runs);
      expect(fixedDetected.length).toBeLessThan(detected.length);
    });
  },
);
