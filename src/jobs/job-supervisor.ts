import { AttemptStatus } from '../core/job.js';
import type { Logger } from '../observability/logger.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { LedgerRepository } from '../store/repositories/ledger-repository.js';
import type { PollWorker } from './poll-worker.js';

export interface JobSupervisorOptions {
  repository: GenerationRepository;
  /** Ends overdue jobs (and cancels them at the provider). */
  pollWorker: PollWorker;
  logger: Logger;
  now: () => number;
  /** Releases reservations of jobs that ended without their settlement or refund. */
  ledger?: Pick<LedgerRepository, 'releaseEnded'>;
  /**
   * Queues the jobs whose inline submission's backstop came due by the given time (ADR 0022);
   * returns how many it queued.
   */
  queueDueBackstops?: (now: Date) => Promise<number>;
}

/**
 * Maintenance that does not depend on any queue message surviving: jobs past their deadline
 * are ended even if their poll chain was lost. `tick()` is public so tests never sleep.
 */
export class JobSupervisor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: JobSupervisorOptions) {}

  start(intervalSeconds: number): void {
    this.timer = setInterval(
      () =>
        void this.tick().catch((error: Error) =>
          this.options.logger.error({ error: error.message }, 'supervisor tick failed'),
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
      const { repository, pollWorker, now } = this.options;
      // Jobs whose inline submission died with its process go back to the queue.
      const backstops = await this.options.queueDueBackstops?.(new Date(now()));
      if (backstops)
        this.options.logger.info({ backstops }, 'queued jobs whose inline submission stopped');
      // A grace period lets the poll worker, which can cancel at the provider, go first.
      const overdue = await repository.overdue(new Date(now() - 5000), 500);
      let ended = 0;
      for (const id of overdue) {
        const job = await repository.get(id);
        if (!job) continue;
        const attempts = await repository.attempts(id);
        await pollWorker.timeOut(
          job,
          attempts.findLast((attempt) => attempt.status === AttemptStatus.submitted),
        );
        ended++;
      }
      // A backstop: jobs end with their release in one transaction, but a job ended by plain
      // SQL (or by a version without quotas) would otherwise hold its reservation forever.
      const released = await this.options.ledger?.releaseEnded(500);
      if (released)
        this.options.logger.warn({ released }, 'released reservations of jobs ended elsewhere');
      return ended;
    } finally {
      this.running = false;
    }
  }
}
