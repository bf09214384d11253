import { z } from 'zod';
import { createId } from '../../core/create-id.js';
import type { Database } from '../database.js';

const OpenCostAlertSchema = z.object({
  id: z.string(),
  alert_key: z.string(),
  period: z.string(),
  value_usd: z.number(),
  threshold_usd: z.number(),
  observed_at: z.coerce.date(),
});
/** A crossing not resolved yet. */
export type OpenCostAlert = z.infer<typeof OpenCostAlertSchema>;

/** A reading of one threshold's value. */
export interface CostReading {
  alertKey: string;
  period: string;
  valueUsd: number;
  thresholdUsd: number;
  /** When the value was read (the evaluator's clock, or the health check's). */
  observedAt: Date;
}

/**
 * The crossing state of cost thresholds, shared by every instance: `fire` and `resolve` are
 * single conditional statements, so of two instances acting on the same crossing exactly one
 * gets `true` and raises the alert.
 */
export class CostAlertRepository {
  constructor(private readonly database: Database) {}

  /** Opens a crossing; false when one is open already or a newer reading resolved it. */
  async fire(reading: CostReading): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `INSERT INTO cost_alert_states (id, alert_key, period, value_usd, threshold_usd, observed_at, fired_at)
       SELECT $1, $2, $3, $4, $5, $6, $6
       WHERE NOT EXISTS (SELECT 1 FROM cost_alert_states
                         WHERE alert_key = $2 AND period = $3 AND resolved_observed_at >= $6)
       ON CONFLICT (alert_key, period) WHERE resolved_at IS NULL DO NOTHING`,
      [
        createId('costalert'),
        reading.alertKey,
        reading.period,
        reading.valueUsd,
        reading.thresholdUsd,
        reading.observedAt,
      ],
    );
    return rowCount === 1;
  }

  /** Closes the open crossing; false when none is open or it was fired by a newer reading. */
  async resolve(alertKey: string, period: string, observedAt: Date): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `UPDATE cost_alert_states SET resolved_at = now(), resolved_observed_at = $3
       WHERE alert_key = $1 AND period = $2 AND resolved_at IS NULL AND observed_at <= $3`,
      [alertKey, period, observedAt],
    );
    return rowCount === 1;
  }

  /** Every open crossing (a handful: one per threshold at most). */
  async open(): Promise<OpenCostAlert[]> {
    const { rows } = await this.database.query(
      `SELECT id, alert_key, period, value_usd, threshold_usd, observed_at
       FROM cost_alert_states WHERE resolved_at IS NULL`,
    );
    return rows.map((row) => OpenCostAlertSchema.parse(row));
  }

  /** Forgets resolved crossings resolved before `cutoff`. */
  async pruneResolvedBefore(cutoff: Date): Promise<void> {
    await this.database.query(
      'DELETE FROM cost_alert_states WHERE resolved_at IS NOT NULL AND resolved_at < $1',
      [cutoff],
    );
  }
}
