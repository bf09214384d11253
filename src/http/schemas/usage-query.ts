import { z } from 'zod';
import type { UsageRow } from '../../store/repositories/usage-repository.js';

const dayOnly = /^\d{4}-\d{2}-\d{2}$/;
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** `from` and `to` of a usage query: ISO dates (UTC days, `to` inclusive) or instants. */
export const UsageRangeQuery = z.object({
  from: instant.optional(),
  to: instant.optional(),
});

/** The half-open instant range `[from, to)` a usage query asks for. */
export function usageRange(query: z.infer<typeof UsageRangeQuery>): { from?: Date; to?: Date } {
  const from = query.from === undefined ? undefined : new Date(query.from);
  let to = query.to === undefined ? undefined : new Date(query.to);
  // A bare `to` day includes that whole day.
  if (to && query.to && dayOnly.test(query.to)) to = new Date(to.getTime() + 86_400_000);
  return { from, to };
}

/** A usage line as the API shows it: only the dimensions asked for, then the figures. */
export function usageJson(row: UsageRow) {
  const { tenant, key, model, provider, day, ...figures } = row;
  return {
    ...(day === undefined ? {} : { day }),
    ...(tenant === undefined ? {} : { tenant_id: tenant }),
    ...(key === undefined ? {} : { api_key_id: key }),
    ...(model === undefined ? {} : { model }),
    ...(provider === undefined ? {} : { provider }),
    ...figures,
  };
}

/** The sums of a report's lines. */
export function usageTotals(rows: readonly UsageRow[]) {
  const sum = (pick: (row: UsageRow) => number) =>
    Math.round(rows.reduce((total, row) => total + pick(row), 0) * 1e9) / 1e9;
  return {
    settled_jobs: sum((row) => row.settled_jobs),
    spend_usd: sum((row) => row.spend_usd),
    refunded_jobs: sum((row) => row.refunded_jobs),
    reserved_usd: sum((row) => row.reserved_usd),
  };
}
