import { describe, expect, it } from 'vitest';
import { budgetPeriodStarts } from './budget-periods.js';

describe('budgetPeriodStarts', () => {
  it('should start the day and the month at UTC midnight', () => {
    const starts = budgetPeriodStarts(new Date('2026-03-31T23:59:59.999Z'));
    expect(starts.day.toISOString()).toBe('2026-03-31T00:00:00.000Z');
    expect(starts.month.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('should roll over at midnight UTC', () => {
    const starts = budgetPeriodStarts(new Date('2026-04-01T00:00:00.000Z'));
    expect(starts.day.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(starts.month.toISOString()).toBe('2026-04-01T00:00:00.000Z');
  });
});
