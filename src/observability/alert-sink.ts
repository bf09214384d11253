import { createId } from '../core/create-id.js';
import { safeFetch } from '../security/safe-fetch.js';
import type { SsrfGuard } from '../security/ssrf-guard.js';
import { webhookHeaders } from '../security/standard-webhooks.js';
import type { Database } from '../store/database.js';
import { AlertRepository, type AlertRow } from '../store/repositories/alert-repository.js';
import type { Logger } from './logger.js';

/** Something an operator must know about. */
export interface Alert {
  /** `provider_out_of_credit`, `circuit_opened`, `rollout_rolled_back`, … */
  type: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  details?: Record<string, unknown>;
}

export interface AlertSinkOptions {
  database: Database;
  logger: Logger;
  /** Operator URL; alerts are POSTed there signed per Standard Webhooks. */
  webhookUrl?: string;
  guard: SsrfGuard;
  secret: () => string;
}

/**
 * Raises alerts: a log line, a row in `alerts` (for the API and dashboard) and, when configured,
 * a signed POST to the operator's URL (three tries; the row records the outcome).
 */
export class AlertSink {
  private readonly listeners: ((alert: Alert) => void)[] = [];
  private readonly alerts: AlertRepository;

  constructor(private readonly options: AlertSinkOptions) {
    this.alerts = new AlertRepository(options.database);
  }

  /** Calls `listener` on every alert raised from now on (metrics count them). */
  onAlert(listener: (alert: Alert) => void): void {
    this.listeners.push(listener);
  }

  /** Logs, stores and delivers an alert; never rejects (a row it could not store is logged). */
  async raise(alert: Alert): Promise<string> {
    const id = createId('alert');
    const log =
      alert.severity === 'critical' ? 'error' : alert.severity === 'warning' ? 'warn' : 'info';
    this.options.logger[log]({ alert: alert.type, ...alert.details }, `ALERT ${alert.message}`);
    for (const listener of this.listeners) listener(alert);
    try {
      await this.alerts.insert({
        id,
        type: alert.type,
        severity: alert.severity,
        message: alert.message,
        details: alert.details ?? {},
        deliveryStatus: this.options.webhookUrl ? 'pending' : null,
      });
    } catch (error) {
      // Alerts are raised from everywhere, many without waiting (a circuit opening), and often
      // while the database is the trouble: the log line above and the operator's webhook still
      // carry it, so a lost row must not become anyone's failure.
      this.options.logger.warn(
        {
          alertId: id,
          alert: alert.type,
          error: error instanceof Error ? error.message : String(error),
        },
        'could not store the alert (it is in the log and goes to the alert webhook)',
      );
    }
    if (this.options.webhookUrl) void this.deliver(id, alert);
    return id;
  }

  /** The latest alerts, newest first, as stored rows (the admin API lists them as they are). */
  recent(limit: number): Promise<AlertRow[]> {
    return this.alerts.recent(limit);
  }

  private async deliver(id: string, alert: Alert): Promise<void> {
    const url = this.options.webhookUrl!;
    const body = JSON.stringify({
      type: `alert.${alert.type}`,
      timestamp: new Date().toISOString(),
      data: { id, ...alert },
    });
    let status: 'delivered' | 'failed' = 'failed';
    for (let attempt = 1; attempt <= 3 && status !== 'delivered'; attempt++) {
      try {
        const response = await safeFetch(url, {
          guard: this.options.guard,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...webhookHeaders({ secret: this.options.secret(), id, timestamp: new Date(), body }),
          },
          body,
          maxBytes: 64 * 1024,
          timeoutMs: 10_000,
          maxRedirects: 0,
        });
        if (response.status >= 200 && response.status < 300) status = 'delivered';
      } catch (error) {
        this.options.logger.warn(
          { alertId: id, error: (error as Error).message },
          'alert delivery failed',
        );
      }
      if (status !== 'delivered' && attempt < 3)
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
    await this.alerts.updateDeliveryStatus(id, status).catch(() => undefined);
  }
}
