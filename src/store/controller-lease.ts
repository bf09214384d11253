import type { Database } from './database.js';

/**
 * A named lease in the database: at most one holder at a time, renewed by its holder, taken over
 * when it expires. Works on PostgreSQL and PGlite alike (no session-bound advisory lock, so a
 * pooled connection can renew it).
 */
export class ControllerLease {
  constructor(
    private readonly database: Database,
    private readonly name: string,
    /** This instance's identity. */
    readonly holder: string,
  ) {}

  /** Takes or renews the lease for `ttlMs`; true when this instance holds it afterwards. */
  async acquire(ttlMs: number): Promise<boolean> {
    const { rows } = await this.database.query<{ holder: string }>(
      `INSERT INTO controller_leases (name, holder, expires_at) VALUES ($1, $2, now() + ($3 || ' milliseconds')::interval)
       ON CONFLICT (name) DO UPDATE SET
         holder = EXCLUDED.holder,
         expires_at = EXCLUDED.expires_at,
         acquired_at = CASE WHEN controller_leases.holder = EXCLUDED.holder THEN controller_leases.acquired_at ELSE now() END
       WHERE controller_leases.holder = EXCLUDED.holder OR controller_leases.expires_at < now()
       RETURNING holder`,
      [this.name, this.holder, String(Math.round(ttlMs))],
    );
    return rows[0]?.holder === this.holder;
  }

  /** Gives the lease up (graceful shutdown), so another instance takes over at once. */
  async release(): Promise<void> {
    await this.database.query('DELETE FROM controller_leases WHERE name = $1 AND holder = $2', [
      this.name,
      this.holder,
    ]);
  }

  async currentHolder(): Promise<{ holder: string; expiresAt: Date } | undefined> {
    const { rows } = await this.database.query<{ holder: string; expires_at: Date }>(
      'SELECT holder, expires_at FROM controller_leases WHERE name = $1',
      [this.name],
    );
    return rows[0]
      ? { holder: rows[0].holder, expiresAt: new Date(rows[0].expires_at) }
      : undefined;
  }
}
