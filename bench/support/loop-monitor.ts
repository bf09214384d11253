import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Preload (`node --import tsx --import ./bench/support/loop-monitor.ts src/main.ts`) that
 * measures the gateway's event-loop lag from inside without touching its source. It appends
 * JSON lines to `BENCH_LOOP_STATS_FILE`:
 *
 * - `{"type":"interval",…}` every second: lag percentiles of that second, RSS and heap;
 * - `{"type":"window",…}` when a measurement window closes: exact percentiles over the window.
 *
 * The benchmark opens and closes the window with SIGUSR2 (the gateway handles only SIGINT and
 * SIGTERM), so that start-up and job creation are not mixed into the steady-state figures.
 */

/** Sampling period of the lag timer; reported lag is the delay beyond it. */
export const loopResolutionMs = 10;

/** One line of the stats file. */
export type LoopStatsLine =
  | {
      type: 'interval';
      at: number;
      p50Ms: number;
      p99Ms: number;
      maxMs: number;
      meanMs: number;
      rssBytes: number;
      heapUsedBytes: number;
    }
  | {
      type: 'window';
      at: number;
      durationMs: number;
      samples: number;
      p50Ms: number;
      p99Ms: number;
      maxMs: number;
      meanMs: number;
    };

/**
 * Lag in ms from a histogram value in ns. The histogram records the whole timer period, so
 * the resolution is subtracted (as `@fastify/under-pressure` does) to leave only the delay.
 */
function lagMs(nanoseconds: number): number {
  return Math.max(0, nanoseconds / 1e6 - loopResolutionMs);
}

function figures(histogram: IntervalHistogram) {
  return {
    p50Ms: lagMs(histogram.percentile(50)),
    p99Ms: lagMs(histogram.percentile(99)),
    maxMs: lagMs(histogram.max),
    meanMs: lagMs(histogram.mean),
  };
}

const file = process.env.BENCH_LOOP_STATS_FILE;
if (file) {
  const write = (line: LoopStatsLine) => appendFileSync(file, `${JSON.stringify(line)}\n`);
  const interval = monitorEventLoopDelay({ resolution: loopResolutionMs });
  const window = monitorEventLoopDelay({ resolution: loopResolutionMs });
  interval.enable();
  let windowStartedAt: number | undefined;
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    write({
      type: 'interval',
      at: Date.now(),
      ...figures(interval),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    });
    interval.reset();
  }, 1000);
  // The monitor must never keep a gateway alive that is trying to exit.
  timer.unref();
  process.on('SIGUSR2', () => {
    if (windowStartedAt === undefined) {
      window.reset();
      window.enable();
      windowStartedAt = Date.now();
      return;
    }
    window.disable();
    write({
      type: 'window',
      at: Date.now(),
      durationMs: Date.now() - windowStartedAt,
      samples: window.count,
      ...figures(window),
    });
    windowStartedAt = undefined;
  });
}
