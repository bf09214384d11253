import type { AttemptOutcome, JobObserver, JobOutcome } from '../core/job-observer.js';
import { JobStatus } from '../core/job.js';
import type { AnalyticsRecorder } from './analytics-recorder.js';

/**
 * Turns job-engine events into the seed runbook's analytics events: `gen_route` for every
 * routing decision (each provider tried), `gen_ok` / `gen_fail` when a job ends.
 */
export class AnalyticsObserver implements JobObserver {
  constructor(private readonly recorder: AnalyticsRecorder) {}

  attemptFinished(outcome: AttemptOutcome): void {
    if (outcome.phase !== 'submit') return;
    this.recorder.record({
      type: 'gen_route',
      jobId: outcome.jobId,
      user: outcome.user,
      provider: outcome.provider,
      model: outcome.model,
      strategy: outcome.strategy,
      latencyMs: outcome.latencyMs,
      errorCode: outcome.ok ? undefined : outcome.errorCode,
      details: {
        candidates: outcome.candidates ?? [],
        accepted: outcome.ok,
        providerFault: outcome.providerFault,
      },
    });
  }

  jobFinished(outcome: JobOutcome): void {
    if (outcome.status === JobStatus.canceled) return;
    this.recorder.record({
      type: outcome.status === JobStatus.succeeded ? 'gen_ok' : 'gen_fail',
      jobId: outcome.jobId,
      user: outcome.user,
      provider: outcome.provider ?? undefined,
      model: outcome.model,
      latencyMs: outcome.latencyMs,
      costUsd: outcome.costUsd ?? undefined,
      errorCode: outcome.errorCode,
      details: { outputs: outcome.outputs },
    });
  }
}
