import { describe, expect, it } from 'vitest';
import { RolloutDefaultsSchema } from '../core/rollout-plan.js';
import { resolvePlan } from './resolve-plan.js';

describe('resolvePlan', () => {
  it('should fill the runbook defaults: 10 % 1 h → 50 % 3 h → 100 %, and the four red lines', () => {
    const plan = resolvePlan(
      { baseline: 'fal', canary: 'runware' },
      RolloutDefaultsSchema.parse({}),
    );
    expect(plan.stages).toEqual([
      { weight: 0.1, minDurationSeconds: 3600 },
      { weight: 0.5, minDurationSeconds: 10_800 },
      { weight: 1, minDurationSeconds: 0 },
    ]);
    expect(plan.guardrails.p95_latency).toMatchObject({ limit: 8000, windowSeconds: 300 });
    expect(plan.guardrails.failure_rate).toMatchObject({ limit: 0.02, windowSeconds: 300 });
    expect(plan.guardrails.cost_per_output).toMatchObject({ limit: 1.2, windowSeconds: 600 });
    expect(plan.guardrails.regenerate_rate).toMatchObject({ limit: 0.05, windowSeconds: 600 });
  });

  it('should layer request overrides over operator defaults without re-enabling a disabled guardrail', () => {
    const defaults = RolloutDefaultsSchema.parse({
      guardrails: { regenerate_rate: { enabled: false } },
      intervalSeconds: 10,
    });
    const plan = resolvePlan(
      { baseline: 'fal', canary: 'runware', guardrails: { regenerate_rate: { limit: 0.08 } } },
      defaults,
    );
    expect(plan.guardrails.regenerate_rate).toEqual({
      enabled: false,
      limit: 0.08,
      windowSeconds: 600,
      minSamples: 50,
    });
    expect(plan.intervalSeconds).toBe(10);
  });

  it('should merge the statistics: request over operator defaults over the built-in values', () => {
    const plan = resolvePlan(
      {
        baseline: 'fal',
        canary: 'runware',
        statistics: { detectableEffects: { cost_per_output: 0.5 } },
      },
      RolloutDefaultsSchema.parse({ statistics: { alpha: 0.01 } }),
    );
    expect(plan.statistics).toEqual({
      enabled: true,
      alpha: 0.01,
      power: 0.8,
      assumedLogSpread: 0.5,
      detectableEffects: {
        p95_latency: 0.2,
        cost_per_output: 0.5,
        failure_rate: 0.01,
        regenerate_rate: 0.02,
      },
    });
  });
});
