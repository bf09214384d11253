import type { CostAlertsConfig } from '../config/cost-alerts-config.js';
import type { Alert, AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import {
  CostAlertRepository,
  type CostReading,
} from '../store/repositories/cost-alert-repository.js';
import {
  CostScope,
  creditPeriod,
  listCostThresholds,
  parseAlertKey,
  utcDay,
  type CostThreshold,
} from './cost-thresholds.js';
import { findTenantId, readDailySpend } from './read-cost-values.js';

/** A provider balance a health check reported. */
export interface CreditReading {
  provider: string;
  remainingUsd: number;
  /** When the check ran (epoch ms). */
  at: number;
}

/** A cost alert as raised: an {@link Alert} whose details say which threshold and value. */
export interface CostAlert extends Alert {
  details: {
    alertKey: string;
    scope: CostScope;
    subject: string;
    /** The UTC day (`YYYY-MM-DD`) of a daily threshold, `current` for credit. */
    period: string;
    /** `firing` when crossed, `resolved` when back under. */
    state: 'firing' | 'resolved';
    valueUsd: number;
    thresholdUsd: number;
  };
}

/**
 * Where cost alerts go besides the alert sink (log line, `alerts` row, signed webhook). The
 * Telegram chat plugs in here: it is called once per crossing and once per resolution, on the
 * instance that won the crossing.
 */
export interface CostAlertNotifier {
  notify(alert: CostAlert): Promise<void>;
}

export interface CostAlertEvaluatorOptions {
  database: Database;
  config: CostAlertsConfig;
  alerts: AlertSink;
  logger: Logger;
  /** The balances the last health checks reported. */
  credits: () => CreditReading[];
  notifiers?: readonly CostAlertNotifier[];
  now?: () => number;
}

/**
 * Compares spend per UTC day (rollups and ledger) and provider credit with `costAlerts`
 * thresholds and raises one alert per crossing and one per resolution. Safe on every instance
 * at once: the `cost_alert_states` row of a crossing is written by exactly one of them.
 * Tests call {@link tick} instead of waiting for the timer.
 */
export class CostAlertEvaluator {
  private readonly thresholds: CostThreshold[];
  private readonly states: CostAlertRepository;
  private readonly now: () => number;
  private readonly warnedTenants = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: CostAlertEvaluatorOptions) {
    this.thresholds = listCostThresholds(options.config);
    this.states = new CostAlertRepository(options.database);
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (!this.options.config.enabled || this.thresholds.length === 0) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) =>
        this.options.logger.warn({ error: (error as Error).message }, 'cost alert tick failed'),
      );
    }, this.options.config.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One evaluation now; a tick already running is joined, not doubled. */
  tick(): Promise<void> {
    this.running ??= this.evaluate().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async evaluate(): Promise<void> {
    const now = this.now();
    const readings = await this.read(now);
    for (const threshold of this.thresholds) {
      const reading = readings.get(threshold.alertKey);
      if (!reading) continue;
      const crossed =
        threshold.scope === CostScope.credit
          ? reading.valueUsd < threshold.thresholdUsd
          : reading.valueUsd >= threshold.thresholdUsd;
      if (crossed) {
        if (await this.states.fire(reading)) await this.raise(threshold, reading, 'firing');
      } else if (await this.states.resolve(reading.alertKey, reading.period, reading.observedAt)) {
        await this.raise(threshold, reading, 'resolved');
      }
    }
    // Crossings of a day that has ended, or of a threshold no longer configured, resolve.
    const today = utcDay(now);
    for (const open of await this.states.open()) {
      const threshold = this.thresholds.find((entry) => entry.alertKey === open.alert_key);
      const current = open.period === creditPeriod || open.period === today;
      if (threshold && current) continue;
      if (!(await this.states.resolve(open.alert_key, open.period, new Date(now)))) continue;
      await this.raise(
        threshold ?? {
          alertKey: open.alert_key,
          ...parseAlertKey(open.alert_key),
          thresholdUsd: open.threshold_usd,
        },
        {
          alertKey: open.alert_key,
          period: open.period,
          valueUsd: open.value_usd,
          thresholdUsd: open.threshold_usd,
          observedAt: new Date(now),
        },
        'resolved',
        threshold ? 'a new UTC day began' : 'the threshold was removed',
      );
    }
    await this.states.pruneResolvedBefore(new Date(now - 30 * 86_400_000));
  }

  /** The current value of every threshold that has one. */
  private async read(now: number): Promise<Map<string, CostReading>> {
    const readings = new Map<string, CostReading>();
    const spendThresholds = this.thresholds.filter((entry) => entry.scope !== CostScope.credit);
    const spend = spendThresholds.length
      ? await readDailySpend(this.options.database, now)
      : undefined;
    const credits = new Map(this.options.credits().map((entry) => [entry.provider, entry]));
    const period = utcDay(now);
    for (const threshold of this.thresholds) {
      const base = { alertKey: threshold.alertKey, thresholdUsd: threshold.thresholdUsd };
      if (threshold.scope === CostScope.credit) {
        const credit = credits.get(threshold.subject);
        if (credit)
          readings.set(threshold.alertKey, {
            ...base,
            period: creditPeriod,
            valueUsd: credit.remainingUsd,
            observedAt: new Date(credit.at),
          });
        continue;
      }
      let value: number;
      if (threshold.scope === CostScope.tenant) {
        const tenantId = await findTenantId(this.options.database, threshold.subject);
        if (tenantId === undefined) {
          this.warnUnknownTenant(threshold.subject);
          continue;
        }
        value = spend?.tenants.get(tenantId) ?? 0;
      } else {
        const values = threshold.scope === CostScope.provider ? spend?.providers : spend?.models;
        value = values?.get(threshold.subject) ?? 0;
      }
      readings.set(threshold.alertKey, {
        ...base,
        period,
        valueUsd: value,
        observedAt: new Date(now),
      });
    }
    return readings;
  }

  private async raise(
    threshold: CostThreshold,
    reading: CostReading,
    state: 'firing' | 'resolved',
    reason?: string,
  ): Promise<void> {
    const alert = costAlert(threshold, reading, state, reason);
    try {
      await this.options.alerts.raise(alert);
    } catch (error) {
      this.options.logger.error(
        { error: (error as Error).message, alert: alert.type },
        'cost alert not stored',
      );
    }
    for (const notifier of this.options.notifiers ?? [])
      await notifier
        .notify(alert)
        .catch((error: unknown) =>
          this.options.logger.warn(
            { error: (error as Error).message },
            'cost alert notifier failed',
          ),
        );
  }

  private warnUnknownTenant(name: string): void {
    if (this.warnedTenants.has(name)) return;
    this.warnedTenants.add(name);
    this.options.logger.warn(
      { tenant: name, key: `costAlerts.dailySpendUsd.tenants.${name}` },
      'cost alert threshold names a tenant that does not exist; it is skipped until it does',
    );
  }
}

/** The alert of a crossing or a resolution. */
function costAlert(
  threshold: CostThreshold,
  reading: CostReading,
  state: 'firing' | 'resolved',
  reason: string | undefined,
): CostAlert {
  const usd = (value: number) => `$${value.toFixed(2)}`;
  const limit = usd(threshold.thresholdUsd);
  const value = usd(reading.valueUsd);
  const details: CostAlert['details'] = {
    alertKey: threshold.alertKey,
    scope: threshold.scope,
    subject: threshold.subject,
    period: reading.period,
    state,
    valueUsd: reading.valueUsd,
    thresholdUsd: threshold.thresholdUsd,
  };
  if (threshold.scope === CostScope.credit)
    return state === 'firing'
      ? {
          type: 'provider_credit_low',
          severity: 'warning',
          message: `Provider ${threshold.subject} has ${value} of credit left, below the ${limit} alert threshold. Top up its balance.`,
          details,
        }
      : {
          type: 'provider_credit_low_resolved',
          severity: 'info',
          message: `Provider ${threshold.subject} has ${value} of credit again, at or above ${limit}${reason ? ` (${reason})` : ''}.`,
          details,
        };
  const what = `${threshold.scope} ${threshold.subject}`;
  return state === 'firing'
    ? {
        type: 'daily_spend_exceeded',
        severity: 'warning',
        message: `Spend on ${what} reached ${value} on ${reading.period} (UTC), at or over the ${limit} daily alert threshold.`,
        details,
      }
    : {
        type: 'daily_spend_resolved',
        severity: 'info',
        message: `Spend on ${what} is back under the ${limit} daily alert threshold for ${reading.period} (UTC)${reason ? `: ${reason}` : ''}.`,
        details,
      };
}
