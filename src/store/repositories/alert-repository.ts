import { z } from 'zod';
import type { Database } from '../database.js';

/** An `alerts` row as read back; the admin API lists these as they are. */
const AlertRowSchema = z.object({
  id: z.string(),
  alert_type: z.string(),
  severity: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.coerce.date(),
  delivery_status: z.string().nullable(),
});

/** An `alerts` row as read back (see {@link AlertRepository.recent}). */
export type AlertRow = z.infer<typeof AlertRowSchema>;

/** Fields of a new alert. */
export interface NewAlert {
  id: string;
  type: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  details: Record<string, unknown>;
  /** `pending` while a webhook delivery is due, null when no operator URL is configured. */
  deliveryStatus: 'pending' | null;
}

/** Typed data access for raised alerts and the outcome of their webhook delivery. */
export class AlertRepository {
  constructor(private readonly database: Database) {}

  async insert(alert: NewAlert): Promise<void> {
    await this.database.query(
      `INSERT INTO alerts (id, alert_type, severity, message, details, delivery_status) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        alert.id,
        alert.type,
        alert.severity,
        alert.message,
        JSON.stringify(alert.details),
        alert.deliveryStatus,
      ],
    );
  }

  /** The latest alerts, newest first. */
  async recent(limit: number): Promise<AlertRow[]> {
    const { rows } = await this.database.query(
      'SELECT * FROM alerts ORDER BY created_at DESC LIMIT $1',
      [limit],
    );
    return rows.map((row) => AlertRowSchema.parse(row));
  }

  async updateDeliveryStatus(id: string, status: 'delivered' | 'failed'): Promise<void> {
    await this.database.query('UPDATE alerts SET delivery_status = $2 WHERE id = $1', [id, status]);
  }
}
