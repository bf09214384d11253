import type { AttemptOutcome, JobObserver, JobOutcome } from '../core/job-observer.js';

/** Fans one event out to several observers; an observer that throws never breaks a job. */
export class CompositeJobObserver implements JobObserver {
  constructor(
    private readonly observers: JobObserver[] = [],
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  add(observer: JobObserver): void {
    this.observers.push(observer);
  }

  attemptFinished(outcome: AttemptOutcome): void {
    for (const observer of this.observers) this.safely(() => observer.attemptFinished?.(outcome));
  }

  jobFinished(outcome: JobOutcome): void {
    for (const observer of this.observers) this.safely(() => observer.jobFinished?.(outcome));
  }

  jobCreated(job: { jobId: string; model: string; user?: string }): void {
    for (const observer of this.observers) this.safely(() => observer.jobCreated?.(job));
  }

  private safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.onError(error);
    }
  }
}
