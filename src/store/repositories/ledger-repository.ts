import { z } from 'zod';
import { createId } from '../../core/create-id.js';
import type { BudgetPeriod } from '../../core/tenancy.js';
import type { Database, Queryable } from '../database.js';

/** The kinds of ledger rows. */
export const LedgerKind = {
  /** Balance added by an operator. */
  credit: 'credit',
  /** A job's estimate, held at acceptance. */
  reservation: 'reservation',
  /** A job's actual cost, taken from the balance when it succeeds. */
  settlement: 'settlement',
  /** A failed or canceled job's reservation, given back. */
  refund: 'refund',
} as const;
export type LedgerKind = (typeof LedgerKind)[keyof typeof LedgerKind];

/** A reservation to hold in the transaction that accepts its job. */
export interface NewReservation {
  jobId: string;
  tenantId: string;
  apiKeyId: string | null;
  amountUsd: number;
  model: string;
  /** The gateway's clock at acceptance: the period the job's spend counts in. */
  at: Date;
}

/** A job's end as the ledger records it. */
export type ReservationEnd =
  | { kind: typeof LedgerKind.settlement; actualUsd: number; provider: string | null }
  | { kind: typeof LedgerKind.refund; provider: string | null };

const BudgetRowSchema = z.object({
  budget_day_soft_usd: z.coerce.number().nullable(),
  budget_day_hard_usd: z.coerce.number().nullable(),
  budget_month_soft_usd: z.coerce.number().nullable(),
  budget_month_hard_usd: z.coerce.number().nullable(),
});
/** A tenant's budget columns, as the reservation read them under its row lock. */
export type BudgetRow = z.infer<typeof BudgetRowSchema>;

const FundsRowSchema = z.object({
  balance_usd: z.coerce.number().nullable(),
  reserved_usd: z.coerce.number(),
});

const OpenReservationSchema = z.object({
  job_id: z.string(),
  status: z.string(),
  actual_cost_usd: z.coerce.number().nullable(),
  provider: z.string().nullable(),
});

/**
 * Releases a job's open reservation as a settlement or a refund, in the caller's transaction
 * (the one that ends the job). Exactly once: the reservation row's `released_at` is the gate a
 * concurrent release waits on, and the unique index on a job's end row is the rule behind it.
 * Returns false when there was nothing to release (no reservation, or released already).
 */
export async function releaseReservation(
  executor: Queryable,
  jobId: string,
  end: ReservationEnd,
): Promise<boolean> {
  const actualUsd = end.kind === LedgerKind.settlement ? end.actualUsd : null;
  const { rowCount } = await executor.query(
    `WITH released AS (
       UPDATE ledger SET released_at = now()
       WHERE job_id = $1 AND kind = 'reservation' AND released_at IS NULL
       RETURNING tenant_id, api_key_id, model, amount_usd, accounted_at),
     entry AS (
       INSERT INTO ledger (id, tenant_id, api_key_id, job_id, kind, amount_usd, model, provider,
                           accounted_at)
       SELECT $2, tenant_id, api_key_id, $1, $3, COALESCE($4::numeric, amount_usd), model, $5,
              accounted_at
       FROM released
       ON CONFLICT DO NOTHING
       RETURNING tenant_id, amount_usd)
     UPDATE tenants SET reserved_usd = tenants.reserved_usd - released.amount_usd,
       balance_usd = CASE WHEN $3 = 'settlement' THEN tenants.balance_usd - entry.amount_usd
                          ELSE tenants.balance_usd END
     FROM released, entry WHERE tenants.id = entry.tenant_id
     RETURNING tenants.id`,
    [jobId, createId('ledger'), end.kind, actualUsd, end.provider],
  );
  return rowCount > 0;
}

/** What ending a job reads back (`RETURNING`) to settle or refund its reservation. */
export interface EndedRow {
  tenant_id: string | null;
  provider: string | null;
  actual_cost_usd: number | string | null;
}

/** Settles (at the job's actual cost) or refunds the reservation of a job just ended. */
export async function releaseOnEnd(
  executor: Queryable,
  jobId: string,
  ended: EndedRow | undefined,
  kind: ReservationEnd['kind'],
): Promise<void> {
  // Jobs of the open gateway and of the admin key hold no reservation: no statement at all.
  if (!ended?.tenant_id) return;
  await releaseReservation(
    executor,
    jobId,
    kind === LedgerKind.settlement
      ? { kind, actualUsd: Number(ended.actual_cost_usd ?? 0), provider: ended.provider }
      : { kind, provider: ended.provider },
  );
}

/** Typed access to `ledger` and the tenants' money columns. */
export class LedgerRepository {
  constructor(
    private readonly database: Database,
    /** The gateway's clock, for credits. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Holds `amountUsd` of the tenant's balance with a conditional UPDATE (`balance - reserved
   * >= amount`), so parallel acceptances never overspend, and writes the reservation row.
   * Returns the tenant's budgets when held, undefined when the balance does not cover it.
   */
  async reserve(executor: Queryable, reservation: NewReservation): Promise<BudgetRow | undefined> {
    const { rows } = await executor.query(
      `WITH held AS (
         UPDATE tenants SET reserved_usd = reserved_usd + $5::numeric
         WHERE id = $2 AND (balance_usd IS NULL OR balance_usd - reserved_usd >= $5::numeric)
         RETURNING budget_day_soft_usd, budget_day_hard_usd, budget_month_soft_usd,
                   budget_month_hard_usd),
       entry AS (
         INSERT INTO ledger (id, tenant_id, api_key_id, job_id, kind, amount_usd, model,
                             accounted_at)
         SELECT $1, $2, $3, $4, 'reservation', $5::numeric, $6, $7 FROM held
         RETURNING id)
       SELECT held.* FROM held, entry`,
      [
        createId('ledger'),
        reservation.tenantId,
        reservation.apiKeyId,
        reservation.jobId,
        reservation.amountUsd,
        reservation.model,
        reservation.at,
      ],
    );
    return rows[0] ? BudgetRowSchema.parse(rows[0]) : undefined;
  }

  /** Takes back a reservation whose job was not stored after all (same transaction). */
  async unreserve(executor: Queryable, jobId: string): Promise<void> {
    await executor.query(
      `WITH removed AS (
         DELETE FROM ledger WHERE job_id = $1 AND kind = 'reservation' AND released_at IS NULL
         RETURNING tenant_id, amount_usd)
       UPDATE tenants SET reserved_usd = tenants.reserved_usd - removed.amount_usd
       FROM removed WHERE tenants.id = removed.tenant_id`,
      [jobId],
    );
  }

  /** The balance, and what unfinished jobs hold of it; undefined for an unknown tenant. */
  async funds(
    tenantId: string,
    executor: Queryable = this.database,
  ): Promise<{ balanceUsd: number | null; reservedUsd: number } | undefined> {
    const { rows } = await executor.query(
      'SELECT balance_usd, reserved_usd FROM tenants WHERE id = $1',
      [tenantId],
    );
    if (!rows[0]) return undefined;
    const row = FundsRowSchema.parse(rows[0]);
    return { balanceUsd: row.balance_usd, reservedUsd: row.reserved_usd };
  }

  /**
   * A tenant's spend since each period start: settled costs plus the estimates of jobs not
   * ended yet (refunded jobs count nothing).
   */
  async periodSpend(
    executor: Queryable,
    tenantId: string,
    since: Record<BudgetPeriod, Date>,
  ): Promise<Record<BudgetPeriod, number>> {
    const earliest = since.day < since.month ? since.day : since.month;
    const { rows } = await executor.query(
      `SELECT
         COALESCE(SUM(amount_usd) FILTER (WHERE accounted_at >= $2), 0) AS day,
         COALESCE(SUM(amount_usd) FILTER (WHERE accounted_at >= $3), 0) AS month
       FROM ledger
       WHERE tenant_id = $1 AND accounted_at >= $4
         AND (kind = 'settlement' OR (kind = 'reservation' AND released_at IS NULL))`,
      [tenantId, since.day, since.month, earliest],
    );
    return z.object({ day: z.coerce.number(), month: z.coerce.number() }).parse(rows[0]);
  }

  /** Adds to a tenant's balance (a tenant without one starts from 0) and writes a `credit`. */
  async credit(
    tenantId: string,
    amountUsd: number,
  ): Promise<{ balanceUsd: number; reservedUsd: number } | undefined> {
    return this.database.transaction(async (transaction) => {
      const { rows } = await transaction.query(
        `UPDATE tenants SET balance_usd = COALESCE(balance_usd, 0) + $2::numeric
         WHERE id = $1 RETURNING balance_usd, reserved_usd`,
        [tenantId, amountUsd],
      );
      if (!rows[0]) return undefined;
      await transaction.query(
        `INSERT INTO ledger (id, tenant_id, kind, amount_usd, accounted_at)
         VALUES ($1, $2, 'credit', $3::numeric, $4)`,
        [createId('ledger'), tenantId, amountUsd, new Date(this.now())],
      );
      const row = FundsRowSchema.parse(rows[0]);
      return { balanceUsd: row.balance_usd ?? 0, reservedUsd: row.reserved_usd };
    });
  }

  /**
   * Releases reservations whose job ended without its release (ended by plain SQL, or by a
   * version without quotas): settled at the job's actual cost when it succeeded, refunded
   * otherwise. Safe to run on every instance at once. Returns how many it released.
   */
  async releaseEnded(limit: number): Promise<number> {
    const { rows } = await this.database.query(
      `SELECT ledger.job_id, generations.status, generations.actual_cost_usd, generations.provider
       FROM ledger JOIN generations ON generations.id = ledger.job_id
       WHERE ledger.kind = 'reservation' AND ledger.released_at IS NULL
         AND generations.status IN ('succeeded', 'failed', 'canceled')
       LIMIT $1`,
      [limit],
    );
    let released = 0;
    for (const row of rows.map((input) => OpenReservationSchema.parse(input))) {
      const end: ReservationEnd =
        row.status === 'succeeded'
          ? { kind: 'settlement', actualUsd: row.actual_cost_usd ?? 0, provider: row.provider }
          : { kind: 'refund', provider: row.provider };
      if (await this.database.transaction((tx) => releaseReservation(tx, row.job_id, end)))
        released++;
    }
    return released;
  }

  /** Records that a soft budget alerted for this period; false when it had already. */
  async markBudgetAlert(tenantId: string, period: BudgetPeriod, start: Date): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `INSERT INTO budget_alerts (tenant_id, period, period_start) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [tenantId, period, start],
    );
    return rowCount === 1;
  }
}
