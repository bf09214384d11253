import type { BudgetPeriod } from '../core/tenancy.js';

/** The start of the UTC day and of the UTC month that `at` falls in. */
export function budgetPeriodStarts(at: Date): Record<BudgetPeriod, Date> {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  return {
    day: new Date(Date.UTC(year, month, at.getUTCDate())),
    month: new Date(Date.UTC(year, month, 1)),
  };
}
