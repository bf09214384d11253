import type { ProviderOutput, ProviderUsage, StatusResult } from '../../core/provider-adapter.js';
import type { RunwayTask } from './runway-api-schemas.js';
import { runwayTaskFailure } from './runway-errors.js';

/** What mapping a task needs beyond the task itself. */
export interface RunwayStatusOptions {
  /** `image` or `video`, for the output MIME type hint. */
  kind: 'image' | 'video';
  /** Seconds of video requested (Runway bills video by the requested duration). */
  durationSeconds?: number;
  /** USD per credit, for the task's reported `cost.credits`. */
  usdPerCredit: number;
  /** Poll no sooner than this after a pending answer (0: no hint). */
  minPollIntervalMs: number;
}

/**
 * Maps a Runway task to a status: PENDING and THROTTLED (waiting for a concurrency slot) →
 * pending/queued, RUNNING → pending/running with `progress`, SUCCEEDED → completed with the
 * `output` URLs (they expire in 24–48 h; the engine copies them at once), FAILED → failed by
 * `failureCode`, CANCELLED → canceled. A terminal task's `cost.credits`, when present, becomes
 * `usage.costUsd`.
 */
export function mapRunwayResult(task: RunwayTask, options: RunwayStatusOptions): StatusResult {
  const retryAfter =
    options.minPollIntervalMs > 0 ? { retryAfterMs: options.minPollIntervalMs } : {};
  switch (task.status) {
    case 'PENDING':
    case 'THROTTLED':
      return { status: 'pending', phase: 'queued', ...retryAfter };
    case 'RUNNING':
      return {
        status: 'pending',
        phase: 'running',
        ...(typeof task.progress === 'number'
          ? { progress: Math.min(1, Math.max(0, task.progress)) }
          : {}),
        ...retryAfter,
      };
    case 'CANCELLED':
      return { status: 'canceled' };
    case 'FAILED':
      return runwayTaskFailure(task.id, task.failure, task.failureCode);
    case 'SUCCEEDED':
      return succeeded(task, options);
  }
}

function succeeded(task: RunwayTask, options: RunwayStatusOptions): StatusResult {
  const urls = (task.output ?? []).filter((url) => /^https?:\/\//i.test(url));
  if (urls.length === 0) {
    return {
      status: 'failed',
      code: 'provider_bad_response',
      message: `Runway task ${task.id} succeeded without an output URL.`,
      isRetryable: true,
    };
  }
  const outputs = urls.map((url): ProviderOutput => {
    // Runway's signed URLs carry no reliable extension; the engine sniffs the bytes anyway.
    if (options.kind !== 'video') return { type: 'url', url };
    return {
      type: 'url',
      url,
      mimeType: 'video/mp4',
      ...(options.durationSeconds !== undefined
        ? { durationSeconds: options.durationSeconds }
        : {}),
    };
  });
  const usage: ProviderUsage = {};
  if (task.cost)
    usage.costUsd = Math.round(task.cost.credits * options.usdPerCredit * 1_000_000) / 1_000_000;
  if (options.kind === 'video' && options.durationSeconds !== undefined)
    usage.videoSeconds = options.durationSeconds;
  return { status: 'completed', outputs, usage };
}
