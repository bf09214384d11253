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

/** A probe answers within this; an unreachable database must read as down, not hang the probe. */
const probeTimeoutMs = 2000;

async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/readyz`: the database and the asset store answer, the disks are above the free-space floor, NOTIFY delivery is in force (an instance that cannot hear
 * control-plane changes would route on stale settings) and the queue workers run.
 */
export function createReadinessProbe(
  database: Database,
  workersRunning: () => boolean,
  auth: 'open' | 'api_keys' = 'open',
  /** The asset store's health (cached by the store; a bucket HEAD or a disk write probe). */
  storage?: () => Promise<{ ok: boolean; error?: string }>,
  /** Free space against `storage.minFreeDiskMb` (cached: at most one statfs a second). */
  disk?: () => Promise<{ ok: boolean; error?: string }>,
): ReadinessProbe {
  return {
    async check() {
      const checks: Record<string, { ok: boolean; error?: string }> = {};
      try {
        await withinTimeout(database.query('SELECT 1'), probeTimeoutMs);
        checks.database = { ok: true };
      } catch (error) {
        checks.database = { ok: false, error: (error as Error).message };
      }
      // SELECT 1 answers on a full disk; a write that failed for want of space says more.
      if (checks.database.ok && database.storageFull())
        checks.database = { ok: false, error: 'out of disk space: writes fail with storage_full' };
      checks.notifications = database.notificationsConnected()
        ? { ok: true }
        : { ok: false, error: 'LISTEN connection down; reconnecting' };
      if (storage) {
        try {
          const health = await withinTimeout(storage(), probeTimeoutMs);
          checks.storage = health.ok ? { ok: true } : { ok: false, error: health.error };
        } catch (error) {
          checks.storage = { ok: false, error: (error as Error).message };
        }
      }
      if (disk)
        checks.disk = await disk().catch((error: unknown) => ({
          ok: false,
          error: (error as Error).message,
        }));
      checks.workers = workersRunning()
        ? { ok: true }
        : { ok: false, error: 'workers not running' };
      return { ok: Object.values(checks).every((check) => check.ok), auth, checks };
    },
  };
}
