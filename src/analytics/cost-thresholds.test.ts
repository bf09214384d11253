import { describe, expect, it } from 'vitest';
import { CostAlertsConfigSchema } from '../config/cost-alerts-config.js';
import {
  listCostThresholds,
  parseAlertKey,
  unknownCostSubjects,
  utcDay,
} from './cost-thresholds.js';

const config = CostAlertsConfigSchema.parse({
  dailySpendUsd: { providers: { fal: 50 }, models: { 'flux-dev': 20 }, tenants: { acme: 5 } },
  creditBelowUsd: { runway: 10 },
});

describe('cost thresholds', () => {
  it('should list every threshold under a key that parses back to its scope and subject', () => {
    const thresholds = listCostThresholds(config);
    expect(thresholds.map((threshold) => threshold.alertKey)).toEqual([
      'spend:provider:fal',
      'spend:model:flux-dev',
      'spend:tenant:acme',
      'credit:runway',
    ]);
    for (const threshold of thresholds)
      expect(parseAlertKey(threshold.alertKey)).toEqual({
        scope: threshold.scope,
        subject: threshold.subject,
      });
  });

  it('should name the config key of every unknown provider and model', () => {
    expect(unknownCostSubjects(config, { providers: new Set(['fal']), models: new Set() })).toEqual(
      ['costAlerts.dailySpendUsd.models.flux-dev', 'costAlerts.creditBelowUsd.runway'],
    );
  });

  it('should reject a threshold that is not a positive amount', () => {
    expect(CostAlertsConfigSchema.safeParse({ creditBelowUsd: { runway: 0 } }).success).toBe(false);
  });

  it('should take the UTC day of an instant', () => {
    expect(utcDay(Date.UTC(2026, 11, 1, 23, 59, 59, 999))).toBe('2026-12-01');
    expect(utcDay(Date.UTC(2026, 11, 2))).toBe('2026-12-02');
  });
});
