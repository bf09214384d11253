import { z } from 'zod';
import type { Queryable } from '../database.js';

/** A key's count in its current window. */
export interface RateLimitCount {
  /** Requests counted in the current window, this one included. */
  hits: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  ttlMs: number;
}

const CounterRowSchema = z.object({
  hits: z.coerce.number().int(),
  window_ends_ms: z.coerce.number(),
});

/**
 * Fixed-window request counters in `rate_limit_counters`, for gateways without Redis. A window
 * starts at a key's first request and lasts `windowMs` (the same rule as the Redis store of
 * `@fastify/rate-limit`: INCR, and PEXPIRE on the first hit). One row per key, reused.
 */
export class RateLimitCounterRepository {
  constructor(private readonly database: Queryable) {}

  /**
   * Counts one request. A single `INSERT … ON CONFLICT DO UPDATE … RETURNING` is atomic under
   * concurrency: two instances hitting the same key at once each get their own, distinct count
   * (the second waits on the first's row lock), so no check-then-write race can let extra
   * requests through.
   */
  async hit(key: string, windowMs: number, nowMs: number): Promise<RateLimitCount> {
    const { rows } = await this.database.query(
      `INSERT INTO rate_limit_counters AS counter (key, hits, window_ends_ms)
       VALUES ($1, 1, $2::bigint + $3::bigint)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN counter.window_ends_ms <= $2::bigint THEN 1 ELSE counter.hits + 1 END,
         window_ends_ms = CASE WHEN counter.window_ends_ms <= $2::bigint
                               THEN EXCLUDED.window_ends_ms ELSE counter.window_ends_ms END
       RETURNING hits, window_ends_ms`,
      [key, Math.floor(nowMs), Math.floor(windowMs)],
    );
    const row = CounterRowSchema.parse(rows[0]);
    return { hits: row.hits, ttlMs: Math.max(0, row.window_ends_ms - nowMs) };
  }

  /** The current count without counting a request (zero once the window has ended). */
  async read(key: string, nowMs: number): Promise<RateLimitCount> {
    const { rows } = await this.database.query(
      'SELECT hits, window_ends_ms FROM rate_limit_counters WHERE key = $1',
      [key],
    );
    const row = rows[0] ? CounterRowSchema.parse(rows[0]) : undefined;
    if (!row || row.window_ends_ms <= nowMs) return { hits: 0, ttlMs: 0 };
    return { hits: row.hits, ttlMs: row.window_ends_ms - nowMs };
  }
}
