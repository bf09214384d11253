import { z } from 'zod';
import type { Database } from '../database.js';

/** What usage can be broken down by. */
export const UsageDimension = {
  tenant: 'tenant_id',
  key: 'api_key_id',
  model: 'model',
  provider: 'provider',
  day: `to_char(accounted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
} as const;
export type UsageDimension = keyof typeof UsageDimension;

/** A usage query; every filter is optional. */
export interface UsageQuery {
  tenantId?: string;
  /** Jobs accepted at or after this instant. */
  from?: Date;
  /** Jobs accepted before this instant. */
  to?: Date;
  /** The breakdown, in output order. */
  by: readonly UsageDimension[];
}

const UsageRowSchema = z.object({
  tenant: z.string().nullish(),
  key: z.string().nullish(),
  model: z.string().nullish(),
  provider: z.string().nullish(),
  day: z.string().nullish(),
  settled_jobs: z.coerce.number(),
  spend_usd: z.coerce.number(),
  refunded_jobs: z.coerce.number(),
  reserved_usd: z.coerce.number(),
});
/** One line of a usage report. Pending reservations have no provider yet. */
export type UsageRow = z.infer<typeof UsageRowSchema>;

/**
 * Spend read from the ledger: settled costs, refunds, and the estimates still held by jobs
 * that have not ended. A job counts on the (UTC) day it was accepted.
 */
export class UsageRepository {
  constructor(private readonly database: Database) {}

  async report(query: UsageQuery): Promise<UsageRow[]> {
    // Dimensions come from the fixed map above, never from the request, so they are safe SQL.
    const columns = query.by.map((dimension) => `${UsageDimension[dimension]} AS ${dimension}`);
    const groups = query.by.map((_, index) => String(index + 1));
    const { rows } = await this.database.query(
      `SELECT ${[...columns, ''].join(', ')}
         count(*) FILTER (WHERE kind = 'settlement') AS settled_jobs,
         COALESCE(sum(amount_usd) FILTER (WHERE kind = 'settlement'), 0) AS spend_usd,
         count(*) FILTER (WHERE kind = 'refund') AS refunded_jobs,
         COALESCE(sum(amount_usd) FILTER (WHERE kind = 'reservation' AND released_at IS NULL), 0)
           AS reserved_usd
       FROM ledger
       -- A released reservation is told by its settlement or refund, which know the provider.
       WHERE kind <> 'credit' AND NOT (kind = 'reservation' AND released_at IS NOT NULL)
         AND ($1::text IS NULL OR tenant_id = $1)
         AND ($2::timestamptz IS NULL OR accounted_at >= $2)
         AND ($3::timestamptz IS NULL OR accounted_at < $3)
       ${groups.length ? `GROUP BY ${groups.join(', ')} ORDER BY ${groups.join(', ')}` : ''}`,
      [query.tenantId ?? null, query.from ?? null, query.to ?? null],
    );
    return rows.map((row) => UsageRowSchema.parse(row));
  }
}
