import autocannon from 'autocannon';
import { round, summarize, type Summary } from './stats.js';

/** One load run: a fixed request repeated by `connections` clients. */
export interface LoadOptions {
  /** Full URL including the path. */
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds to run (ignored when `amount` is set). */
  durationSeconds?: number;
  /** Stop after this many requests instead of after a duration. */
  amount?: number;
  /** Per-request timeout; long enough that slow answers count as latency, not errors. */
  timeoutSeconds?: number;
}

/** What one load run measured. Latencies are of 2xx answers only, in ms. */
export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** Responses of any status. */
  responses: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** 2xx answers per second over the run. */
  requestsPerSecond: number;
  latencyMs: Summary;
}

/**
 * Runs autocannon and measures latency itself from each response's exact duration: autocannon's
 * own histogram stores whole milliseconds, too coarse for a "≤ 3 ms added" goal.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.durationSeconds ?? 10,
        ...(options.amount ? { amount: options.amount } : {}),
        timeout: options.timeoutSeconds ?? 30,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
          statusCodes[code] = stats.count ?? 0;
        const ok2xx = result['2xx'];
        resolve({
          connections: options.connections,
          durationSeconds: result.duration,
          responses: ok2xx + result.non2xx,
          ok2xx,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          requestsPerSecond: round(ok2xx / result.duration, 1),
          latencyMs: summarize(latencies),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** Display row for a load result: req/s, latency percentiles, failures. */
export function loadRow(result: LoadResult): (string | number)[] {
  const { latencyMs } = result;
  return [
    result.connections,
    result.requestsPerSecond,
    round(latencyMs.p50),
    round(latencyMs.p97_5),
    round(latencyMs.p99),
    round(latencyMs.max),
    result.ok2xx,
    result.non2xx,
    result.errors,
  ];
}

/** Column headers matching {@link loadRow}. */
export const loadHeaders = [
  'conns',
  'req/s',
  'p50 ms',
  'p97.5 ms',
  'p99 ms',
  'max ms',
  '2xx',
  'non-2xx',
  'errors',
];
