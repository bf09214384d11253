import type { JobEngineContext } from './job-engine-context.js';
import type { PollWorker } from './poll-worker.js';

/**
 * Maintenance that does not depend on any queue message surviving: jobs past their deadline
 * are ended even if their poll chain was lost. `tick()` is public so tests never sleep.
 */
export class JobSupervisor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly context: JobEngineContext,
    private readonly pollWorker: PollWorker,
  ) {}

  start(intervalSeconds: number): void {
    this.timer = setInterval(
      () =>
        void this.tick().catch((error: Error) =>
          this.context.logger.error({ error: error.message }, 'supervisor tick failed'),
        ),
      intervalSeconds * 1000,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One maintenance pass; returns how many overdue jobs it ended. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      // A grace period lets the poll worker, which can cancel at the provider, go first.
      const overdue = await this.context.repository.overdue(
        new Date(this.context.now() - 5000),
        500,
      );
      let ended = 0;
      for (const id of overdue) {
        const job = await this.context.repository.get(id);
        if (!job) continue;
        const attempts = await this.context.repository.attempts(id);
        await this.pollWorker.timeOut(
          job,
          attempts.findLast((attempt) => attempt.status === 'submitted'),
        );
        ended++;
      }
      return ended;
    } finally {
      this.running = false;
    }
  }
}
