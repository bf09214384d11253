import { describe, expect, it } from 'vitest';
import { emptyHistogram } from '../analytics/latency-histogram.js';
import { totalsFromRollups } from '../analytics/rollup-reader.js';
import { RolloutPlanSchema, defaultGuardrails } from '../core/rollout-plan.js';
import type { RollupRow } from '../store/repositories/analytics-repository.js';
import { compareArms, comparisonAlpha } from './compare-arms.js';

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

function row(
  provider: string,
  bins: Record<number, number>,
  extra: Partial<RollupRow> = {},
): RollupRow {
  const histogram = emptyHistogram();
  for (const [index, count] of Object.entries(bins)) histogram[Number(index)] = count;
  const successes = histogram.reduce((sum, count) => sum + count, 0);
  return {
    provider,
    model: 'm',
    routed: successes,
    successes,
    failures: 0,
    outputs: successes,
    cost_usd: successes * 0.002,
    latency_ms_sum: 0,
    latency_histogram: histogram,
    regenerations: 0,
    ...extra,
  };
}

function arms(rows: RollupRow[]) {
  const totals = totalsFromRollups(rows);
  return { canary: totals.get('canary'), baseline: totals.get('baseline') };
}

describe('compareArms', () => {
  it('should split α over the enabled guardrails and the stages that have a baseline', () => {
    expect(comparisonAlpha(plan)).toBeCloseTo(0.05 / 8, 12);
    const fewer = RolloutPlanSchema.parse({
      ...plan,
      guardrails: {
        ...plan.guardrails,
        regenerate_rate: { ...plan.guardrails.regenerate_rate, enabled: false },
      },
    });
    expect(comparisonAlpha(fewer)).toBeCloseTo(0.05 / 6, 12);
  });

  it('should find no evidence between identical arms and call a clearly slower canary worse', () => {
    const same = compareArms(
      plan,
      arms([row('canary', { 10: 50, 11: 50 }), row('baseline', { 10: 500, 11: 500 })]),
    );
    expect(same.find((result) => result.name === 'p95_latency')).toMatchObject({
      status: 'no_evidence',
      effect: 0.5,
    });
    const slower = compareArms(
      plan,
      arms([row('canary', { 11: 50, 12: 50 }), row('baseline', { 10: 500, 11: 500 })]),
    );
    const latency = slower.find((result) => result.name === 'p95_latency')!;
    expect(latency.status).toBe('worse');
    expect(latency.effect).toBeCloseTo(0.875, 12);
    expect(latency.lowerBound!).toBeGreaterThan(0.5);
    expect(latency.pValue!).toBeLessThanOrEqual(latency.alpha);
  });

  it('should stay inconclusive below the minimum samples and without a baseline', () => {
    const few = compareArms(plan, arms([row('canary', { 12: 5 }), row('baseline', { 10: 500 })]));
    expect(few.every((result) => result.status === 'inconclusive')).toBe(true);
    const alone = compareArms(plan, arms([row('canary', { 12: 500 })]));
    expect(alone.every((result) => result.status === 'inconclusive')).toBe(true);
  });

  it('should report nothing when the statistics are switched off', () => {
    const off = RolloutPlanSchema.parse({ ...plan, statistics: { enabled: false } });
    const results = compareArms(
      off,
      arms([row('canary', { 12: 500 }), row('baseline', { 10: 500 })]),
    );
    expect(results.every((result) => result.status === 'disabled')).toBe(true);
  });
});
