import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import {
  AnalyticsRepository,
  type AnalyticsEventRecord,
  type RollupDelta,
} from '../store/repositories/analytics-repository.js';
import { emptyHistogram, latencyBucket } from './latency-histogram.js';

/** Event names as the seed runbook (S2) logs them. */
export type AnalyticsEventType =
  'gen_route' | 'gen_ok' | 'gen_fail' | 'voucher_issued' | 'gen_feedback';

/** One analytics event: the stored record, with a known type and the time optional. */
export type AnalyticsEvent = Omit<AnalyticsEventRecord, 'type' | 'at'> & {
  type: AnalyticsEventType;
  /** ms since epoch; defaults to now. */
  at?: number;
};

/**
 * Buffers events and per-bucket rollup deltas in memory and writes them in batches, so the
 * request path never waits on analytics. Several instances add their deltas to the same rollup
 * rows. A crash loses at most one flush interval of analytics, never a job.
 */
export class AnalyticsRecorder {
  private events: AnalyticsEventRecord[] = [];
  private deltas = new Map<string, RollupDelta>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastPurge = 0;
  private readonly analytics: AnalyticsRepository;

  constructor(
    database: Database,
    private readonly options: {
      flushIntervalMs: number;
      retentionDays: number;
      /** Rollup bucket size in seconds. */
      rollupBucketSeconds: number;
      logger: Logger;
      now?: () => number;
    },
  ) {
    this.analytics = new AnalyticsRepository(database);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  record(event: AnalyticsEvent): void {
    const at = event.at ?? this.now();
    this.events.push({ ...event, at });
    if (!event.provider || !event.model) return;
    const delta = this.delta(at, event.provider, event.model);
    switch (event.type) {
      case 'gen_route':
        delta.routed++;
        // A refusal for the client's own mistake (invalid input) is not the provider's failure.
        if (event.errorCode && event.details?.providerFault !== false) delta.failures++;
        break;
      case 'gen_ok':
        delta.successes++;
        delta.outputs += typeof event.details?.outputs === 'number' ? event.details.outputs : 1;
        delta.costUsd += event.costUsd ?? 0;
        if (event.latencyMs !== undefined) {
          delta.latencySum += event.latencyMs;
          delta.histogram[latencyBucket(event.latencyMs)]!++;
        }
        break;
      case 'gen_fail':
        delta.failures++;
        delta.costUsd += event.costUsd ?? 0;
        break;
      case 'voucher_issued':
        delta.regenerations++;
        break;
      case 'gen_feedback':
        break;
    }
  }

  /** Writes buffered events and rollups now (tests call it instead of waiting). */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const events = this.events;
    const deltas = [...this.deltas.values()];
    this.events = [];
    this.deltas = new Map();
    try {
      if (events.length) await this.analytics.insertEvents(events);
      for (const delta of deltas) await this.analytics.addToRollup(delta);
      if (this.now() - this.lastPurge > 3_600_000) await this.purge();
    } catch (error) {
      this.options.logger.error(
        { error: (error as Error).message, events: events.length },
        'writing analytics failed; this batch is dropped',
      );
    }
  }

  private async purge(): Promise<void> {
    this.lastPurge = this.now();
    const cutoff = new Date(this.now() - this.options.retentionDays * 86_400_000);
    await this.analytics.deleteEventsBefore(cutoff);
  }

  private delta(at: number, provider: string, model: string): RollupDelta {
    const bucketMs = this.options.rollupBucketSeconds * 1000;
    const bucketStart = Math.floor(at / bucketMs) * bucketMs;
    const key = `${bucketStart}|${provider}|${model}`;
    let delta = this.deltas.get(key);
    if (!delta) {
      delta = {
        bucketStart,
        provider,
        model,
        routed: 0,
        successes: 0,
        failures: 0,
        outputs: 0,
        costUsd: 0,
        latencySum: 0,
        histogram: emptyHistogram(),
        regenerations: 0,
      };
      this.deltas.set(key, delta);
    }
    return delta;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
