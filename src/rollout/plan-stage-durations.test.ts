import { describe, expect, it } from 'vitest';
import { RolloutPlanSchema, defaultGuardrails } from '../core/rollout-plan.js';
import { planStageDurations } from './plan-stage-durations.js';

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
const traffic = {
  requestsPerSecond: 5,
  failureRate: 0.002,
  regenerateRate: 0.01,
  logSpread: 0.4,
  bucketSeconds: 60,
};

describe('the stage planner', () => {
  it('should size each compared stage and leave the 100 % stage without a comparison', () => {
    const [first, second, last] = planStageDurations(plan, traffic);
    const latency = first!.guardrails.find((entry) => entry.name === 'p95_latency')!;
    expect(latency.requiredSamples).toBeGreaterThan(100);
    expect(latency.enough).toBe(true);
    // Half the traffic on the canary needs fewer requests than a tenth of it.
    const latencyAtHalf = second!.guardrails.find((entry) => entry.name === 'p95_latency')!;
    expect(latencyAtHalf.requiredSamples!).toBeLessThan(latency.requiredSamples!);
    expect(last!.guardrails.every((entry) => entry.requiredSamples === null)).toBe(true);
  });

  it('should scale the time needed inversely with traffic', () => {
    const slow = planStageDurations(plan, { ...traffic, requestsPerSecond: 0.5 })[0]!;
    const fast = planStageDurations(plan, traffic)[0]!;
    const seconds = (entry: typeof slow) =>
      entry.guardrails.find((guardrail) => guardrail.name === 'failure_rate')!.requiredSeconds!;
    expect(seconds(slow) / seconds(fast)).toBeCloseTo(10, 0);
  });

  it('should say a stage is too short when the traffic cannot show the effect in time', () => {
    const short = RolloutPlanSchema.parse({
      ...plan,
      stages: [
        { weight: 0.1, minDurationSeconds: 60 },
        { weight: 1, minDurationSeconds: 0 },
      ],
    });
    const [first] = planStageDurations(short, { ...traffic, requestsPerSecond: 0.2 });
    expect(first!.guardrails.find((entry) => entry.name === 'p95_latency')!.enough).toBe(false);
  });
});
