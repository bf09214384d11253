import { appendFileSync } from 'node:fs';
import pg from 'pg';
import { poolWait, type QueryWindow, type StatementStats } from './query-stats.js';

/**
 * Preload (`node --import tsx --import ./bench/support/query-counter.ts src/main.ts`) that
 * counts the gateway's SQL statements and times them as the client sees them (queueing on the
 * connection included) — a client-side pg_stat_statements, which the shared PostgreSQL server
 * does not load. It wraps `pg.Client.prototype.query`, which every pool query and transaction
 * goes through; the gateway's source is not touched.
 *
 * SIGUSR2 opens a window and, the second time, appends one JSON line to
 * `BENCH_QUERY_STATS_FILE` with the window's statements, most time-consuming first.
 */

type Callback = (error: Error | null, result?: unknown) => void;
type QueryFunction = (this: pg.Client, ...args: unknown[]) => unknown;

function shapeOf(config: unknown): string {
  const text =
    typeof config === 'string'
      ? config
      : typeof config === 'object' && config !== null && 'text' in config
        ? String((config as { text: unknown }).text)
        : '(unknown)';
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

const file = process.env.BENCH_QUERY_STATS_FILE;
if (file) {
  let window: { startedAt: number; stats: Map<string, StatementStats> } | undefined;
  const record = (statement: string, ms: number) => {
    if (!window) return;
    let stats = window.stats.get(statement);
    if (!stats) {
      stats = { statement, calls: 0, totalMs: 0 };
      window.stats.set(statement, stats);
    }
    stats.calls++;
    stats.totalMs += ms;
  };
  const prototype = pg.Client.prototype as unknown as { query: QueryFunction };
  const original = prototype.query;
  prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const statement = shapeOf(args[0]);
    const started = performance.now();
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      // Pool.query passes a callback: time until it is called.
      args[last] = ((error: Error | null, result?: unknown) => {
        record(statement, performance.now() - started);
        (callback as Callback)(error, result);
      }) satisfies Callback;
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise)
      void result.then(
        () => record(statement, performance.now() - started),
        () => record(statement, performance.now() - started),
      );
    else record(statement, 0);
    return result;
  };
  // Time spent waiting for a free pool connection is not in any statement's figure: record it
  // as a pseudo-statement, so a too-small pool shows up.
  const poolPrototype = pg.Pool.prototype as unknown as {
    connect: (this: pg.Pool, ...args: unknown[]) => unknown;
  };
  const originalConnect = poolPrototype.connect;
  poolPrototype.connect = function (this: pg.Pool, ...args: unknown[]) {
    const started = performance.now();
    const callback = args[0];
    if (typeof callback === 'function') {
      args[0] = (...results: unknown[]) => {
        record(poolWait, performance.now() - started);
        (callback as (...values: unknown[]) => void)(...results);
      };
      return originalConnect.apply(this, args);
    }
    const result = originalConnect.apply(this, args);
    if (result instanceof Promise)
      void result.then(
        () => record(poolWait, performance.now() - started),
        () => undefined,
      );
    return result;
  };
  process.on('SIGUSR2', () => {
    if (!window) {
      window = { startedAt: performance.now(), stats: new Map() };
      return;
    }
    const statements = [...window.stats.values()]
      .map((stats) => ({ ...stats, totalMs: Math.round(stats.totalMs * 100) / 100 }))
      .sort((left, right) => right.totalMs - left.totalMs);
    const line: QueryWindow = {
      type: 'queries',
      durationMs: Math.round(performance.now() - window.startedAt),
      // Real statements only; the pool-wait pseudo-statement is not a round trip.
      calls: statements
        .filter((stats) => stats.statement !== poolWait)
        .reduce((sum, stats) => sum + stats.calls, 0),
      statements,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    window = undefined;
  });
}
