import {
  PaymentRequiredError,
  UnauthorizedError,
  type GatewayError,
} from '../core/errors/index.js';
import { BudgetPeriod } from '../core/tenancy.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { Queryable } from '../store/database.js';
import type {
  BudgetRow,
  LedgerRepository,
  NewReservation,
} from '../store/repositories/ledger-repository.js';
import { budgetPeriodStarts } from './budget-periods.js';

/** A soft budget a new job's spend reached. */
export interface SoftLimitReached {
  tenantId: string;
  period: BudgetPeriod;
  periodStart: Date;
  softUsd: number;
  /** The period's spend with the new job's estimate. */
  spentUsd: number;
}

/** What reserving a new job's estimate came to. */
export type ReserveOutcome =
  { status: 'held'; softLimits: SoftLimitReached[] } | { status: 'refused'; error: GatewayError };

export interface QuotaReserverOptions {
  ledger: LedgerRepository;
  /** Soft budgets alert here. */
  alerts: Pick<AlertSink, 'raise'>;
  logger: Logger;
}

/** Money compared in whole micro-dollars: estimates are rounded to that, and floats are not. */
const micros = (usd: number) => Math.round(usd * 1_000_000);

function limitsOf(budgets: BudgetRow, period: BudgetPeriod) {
  return period === BudgetPeriod.day
    ? { soft: budgets.budget_day_soft_usd, hard: budgets.budget_day_hard_usd }
    : { soft: budgets.budget_month_soft_usd, hard: budgets.budget_month_hard_usd };
}

/**
 * Holds a new job's estimate against its tenant's balance and budgets, inside the transaction
 * that stores the job. Refusals are returned, not thrown, so one tenant's 402 does not roll back
 * the other jobs of a shared write.
 */
export class QuotaReserver {
  constructor(private readonly options: QuotaReserverOptions) {}

  async reserve(executor: Queryable, reservation: NewReservation): Promise<ReserveOutcome> {
    const { ledger } = this.options;
    // The conditional UPDATE takes the tenant's row lock: reservations of one tenant queue up
    // here, on every instance, and each sees the balance the previous one left.
    const budgets = await ledger.reserve(executor, reservation);
    if (!budgets)
      return { status: 'refused', error: await this.insufficient(executor, reservation) };
    const periods = Object.values(BudgetPeriod).filter((period) => {
      const limits = limitsOf(budgets, period);
      return limits.soft !== null || limits.hard !== null;
    });
    if (periods.length === 0) return { status: 'held', softLimits: [] };
    const starts = budgetPeriodStarts(reservation.at);
    // Includes the reservation just written (same transaction).
    const spent = await ledger.periodSpend(executor, reservation.tenantId, starts);
    const softLimits: SoftLimitReached[] = [];
    for (const period of periods) {
      const { soft, hard } = limitsOf(budgets, period);
      if (hard !== null && micros(spent[period]) > micros(hard)) {
        await ledger.unreserve(executor, reservation.jobId);
        return {
          status: 'refused',
          error: new PaymentRequiredError(
            'budget_exceeded',
            `This job would take the tenant's ${period} spend past its budget of ${hard} USD.`,
            {
              period,
              period_start: starts[period].toISOString(),
              budget_usd: hard,
              spent_usd: (micros(spent[period]) - micros(reservation.amountUsd)) / 1_000_000,
              estimate_usd: reservation.amountUsd,
            },
          ),
        };
      }
      if (soft !== null && micros(spent[period]) >= micros(soft)) {
        softLimits.push({
          tenantId: reservation.tenantId,
          period,
          periodStart: starts[period],
          softUsd: soft,
          spentUsd: spent[period],
        });
      }
    }
    return { status: 'held', softLimits };
  }

  /** Takes back a held reservation whose job was not stored after all (same transaction). */
  unreserve(executor: Queryable, jobId: string): Promise<void> {
    return this.options.ledger.unreserve(executor, jobId);
  }

  /**
   * After the commit: one `budget_soft_limit_reached` alert per tenant and period, whichever
   * instance gets there first. Never fails the request that crossed the limit.
   */
  alertSoftLimits(reached: readonly SoftLimitReached[]): void {
    for (const limit of reached) {
      void this.alertOnce(limit).catch((error: unknown) =>
        this.options.logger.warn(
          { tenantId: limit.tenantId, error: (error as Error).message },
          'budget alert failed',
        ),
      );
    }
  }

  private async alertOnce(limit: SoftLimitReached): Promise<void> {
    const first = await this.options.ledger.markBudgetAlert(
      limit.tenantId,
      limit.period,
      limit.periodStart,
    );
    if (!first) return;
    await this.options.alerts.raise({
      type: 'budget_soft_limit_reached',
      severity: 'warning',
      message: `Tenant ${limit.tenantId} reached its ${limit.period} soft budget of ${limit.softUsd} USD.`,
      details: {
        tenant_id: limit.tenantId,
        period: limit.period,
        period_start: limit.periodStart.toISOString(),
        soft_limit_usd: limit.softUsd,
        spent_usd: limit.spentUsd,
      },
    });
  }

  private async insufficient(
    executor: Queryable,
    reservation: NewReservation,
  ): Promise<GatewayError> {
    const funds = await this.options.ledger.funds(reservation.tenantId, executor);
    // The tenant was deleted after the key was checked: its keys are gone with it.
    if (!funds) return new UnauthorizedError('This API key is not valid.', 'invalid_api_key');
    const available =
      funds.balanceUsd === null
        ? null
        : (micros(funds.balanceUsd) - micros(funds.reservedUsd)) / 1e6;
    return new PaymentRequiredError(
      'insufficient_quota',
      `The estimate of ${reservation.amountUsd} USD exceeds the tenant's remaining balance of ${available} USD.`,
      {
        balance_usd: funds.balanceUsd,
        reserved_usd: funds.reservedUsd,
        available_usd: available,
        estimate_usd: reservation.amountUsd,
      },
    );
  }
}
