import type { Database } from '../store/database.js';

/** Readiness: database reachable and workers running. */
export interface ReadinessProbe {
  check(): Promise<{
    ok: boolean;
    /** `open`: no API keys (single tenant); `api_keys`: every /v1 route needs a key. */
    auth: 'open' | 'api_keys';
    checks: Record<string, { ok: boolean; error?: string }>;
  }>;
}

/** `/readyz`: the database answers and the queue workers run. */
export function createReadinessProbe(
  database: Database,
  workersRunning: () => boolean,
  auth: 'open' | 'api_keys' = 'open',
): ReadinessProbe {
  return {
    async check() {
      const checks: Record<string, { ok: boolean; error?: string }> = {};
      try {
        await database.query('SELECT 1');
        checks.database = { ok: true };
      } catch (error) {
        checks.database = { ok: false, error: (error as Error).message };
      }
      checks.workers = workersRunning()
        ? { ok: true }
        : { ok: false, error: 'workers not running' };
      return { ok: Object.values(checks).every((check) => check.ok), auth, checks };
    },
  };
}
