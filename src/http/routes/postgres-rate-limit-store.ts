import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimitCounterRepository } from '../../store/repositories/rate-limit-counter-repository.js';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * A store for `@fastify/rate-limit` over the `rate_limit_counters` table, for gateways without
 * Redis: every instance on the database counts in the same rows, PGlite's single process too.
 * The plugin constructs stores itself (`new Store(options)`), hence a class made per gateway
 * around its repository and clock. Windows are fixed and start at a key's first request, as in
 * the plugin's Redis store; `now` is the gateway's clock, so tests can move time.
 */
export function postgresRateLimitStore(
  counters: RateLimitCounterRepository,
  now: () => number,
): FastifyRateLimitStoreCtor {
  const report = (count: Promise<{ hits: number; ttlMs: number }>, callback: Callback) =>
    count.then(
      ({ hits, ttlMs }) => callback(null, { current: hits, ttl: ttlMs }),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );

  return class PostgresRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      void report(counters.hit(key, timeWindow, now()), callback);
    }

    /** The count without counting (the plugin's `{ increment: false }`). */
    read(key: string, callback: Callback): void {
      void report(counters.read(key, now()), callback);
    }

    /** Every route shares one count per key: the limit is the key's, not the route's. */
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
