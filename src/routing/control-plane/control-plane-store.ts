import { z } from 'zod';
import type { Database } from '../../store/database.js';
import type { FlagRow } from './routing-settings.js';

const controlPlaneChannel = 'switchyard_control_plane';

/** Who made a change and why; recorded by the audit trigger. */
export interface ChangeAuthor {
  /** `admin`, `cli:<user>`, `rollout:<id>`… (plain SQL is recorded as `sql`). */
  actor: string;
  reason?: string;
}

const AuditRowSchema = z.object({
  id: z.coerce.number(),
  flag_key: z.string(),
  action: z.string(),
  old_value: z.unknown(),
  new_value: z.unknown(),
  actor: z.string(),
  reason: z.string().nullable(),
  changed_at: z.coerce.date(),
});
export type AuditEntry = z.infer<typeof AuditRowSchema>;

/** Reads and writes `feature_flags`; the trigger audits and NOTIFYs every change. */
export class ControlPlaneStore {
  constructor(private readonly database: Database) {}

  async readAll(): Promise<FlagRow[]> {
    const { rows } = await this.database.query<FlagRow>(
      'SELECT flag_key, flag_value, flag_value_text FROM feature_flags ORDER BY flag_key',
    );
    return rows;
  }

  /** Upserts a flag in one transaction tagged with its author. */
  async set(
    key: string,
    value: { flagValue?: boolean; text?: string | null; description?: string },
    author: ChangeAuthor,
  ): Promise<void> {
    await this.database.transaction(async (transaction) => {
      await transaction.query(
        `SELECT set_config('switchyard.actor', $1, true), set_config('switchyard.reason', $2, true)`,
        [author.actor, author.reason ?? ''],
      );
      await transaction.query(
        `INSERT INTO feature_flags (flag_key, flag_value, flag_value_text, description)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (flag_key) DO UPDATE SET flag_value = EXCLUDED.flag_value,
           flag_value_text = EXCLUDED.flag_value_text,
           description = COALESCE(EXCLUDED.description, feature_flags.description)`,
        [key, value.flagValue ?? true, value.text ?? null, value.description ?? null],
      );
    });
  }

  /** Inserts a flag unless one exists; true when this call inserted it (first writer wins). */
  async insertIfAbsent(
    key: string,
    value: { flagValue?: boolean; text?: string | null; description?: string },
    author: ChangeAuthor,
  ): Promise<boolean> {
    return this.database.transaction(async (transaction) => {
      await transaction.query(
        `SELECT set_config('switchyard.actor', $1, true), set_config('switchyard.reason', $2, true)`,
        [author.actor, author.reason ?? ''],
      );
      const { rowCount } = await transaction.query(
        `INSERT INTO feature_flags (flag_key, flag_value, flag_value_text, description)
         VALUES ($1, $2, $3, $4) ON CONFLICT (flag_key) DO NOTHING`,
        [key, value.flagValue ?? true, value.text ?? null, value.description ?? null],
      );
      return rowCount > 0;
    });
  }

  async delete(key: string, author: ChangeAuthor): Promise<boolean> {
    return this.database.transaction(async (transaction) => {
      await transaction.query(
        `SELECT set_config('switchyard.actor', $1, true), set_config('switchyard.reason', $2, true)`,
        [author.actor, author.reason ?? ''],
      );
      const { rowCount } = await transaction.query(
        'DELETE FROM feature_flags WHERE flag_key = $1',
        [key],
      );
      return rowCount > 0;
    });
  }

  async audit(options: { limit: number; key?: string }): Promise<AuditEntry[]> {
    const { rows } = options.key
      ? await this.database.query(
          'SELECT * FROM control_plane_audit WHERE flag_key = $1 ORDER BY id DESC LIMIT $2',
          [options.key, options.limit],
        )
      : await this.database.query('SELECT * FROM control_plane_audit ORDER BY id DESC LIMIT $1', [
          options.limit,
        ]);
    return rows.map((row) => AuditRowSchema.parse(row));
  }

  /**
   * Calls `onChange(flagKey)` for every committed change, from any instance or from SQL, and
   * `onReconnect` when notifications resume after a lost connection (changes may be missed).
   */
  listen(onChange: (key: string) => void, onReconnect?: () => void): Promise<() => Promise<void>> {
    return this.database.listen(controlPlaneChannel, onChange, { onReconnect });
  }
}
