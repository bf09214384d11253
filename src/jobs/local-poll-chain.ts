import type { Logger } from '../observability/logger.js';
import type { PollMessage } from './job-queue.js';

/**
 * Polls for jobs that only this process may poll (jobs on a caller's own key, held in
 * {@link CallerKeyVault}), on timers in this process instead of queue messages another
 * instance could take. One chain per attempt: a poll number not above the last one scheduled
 * for that attempt (a backstop asking again) is ignored. If this process dies the chain dies
 * with it and the job supervisor ends the job at its deadline, as for a lost queue chain.
 */
export class LocalPollChain {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastPoll = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly run: (message: PollMessage) => Promise<void>,
    private readonly logger: Logger,
    /** Delay before a poll whose handling threw (a database blip) runs again, as a queue would. */
    private readonly retryAfterErrorMs = 2000,
  ) {}

  /** Runs `message` in `delayMs`; false when ignored (stopped, or not newer than the chain). */
  schedule(message: PollMessage, delayMs: number): boolean {
    if (this.stopped) return false;
    const last = this.lastPoll.get(message.attemptId);
    if (last !== undefined && message.poll <= last) return false;
    this.lastPoll.set(message.attemptId, message.poll);
    clearTimeout(this.timers.get(message.attemptId));
    const timer = setTimeout(() => void this.fire(message), delayMs);
    timer.unref();
    this.timers.set(message.attemptId, timer);
    return true;
  }

  /** Attempts with a poll waiting on a timer. */
  get pending(): number {
    return this.timers.size;
  }

  /** Clears every timer (shutdown): the jobs end at their deadline, like orphaned ones. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.lastPoll.clear();
  }

  private async fire(message: PollMessage): Promise<void> {
    this.timers.delete(message.attemptId);
    const last = this.lastPoll.get(message.attemptId);
    try {
      await this.run(message);
    } catch (error) {
      this.logger.warn(
        { jobId: message.jobId, error: error instanceof Error ? error.message : String(error) },
        'local poll failed; will poll again',
      );
      // Same poll again (the chain did not move on), as a queue would redeliver the message.
      if (this.lastPoll.get(message.attemptId) === last) {
        this.lastPoll.set(message.attemptId, message.poll - 1);
        this.schedule(message, this.retryAfterErrorMs);
      }
      return;
    }
    // A poll that scheduled no successor ended its chain (the job is done).
    if (this.lastPoll.get(message.attemptId) === last && !this.timers.has(message.attemptId))
      this.lastPoll.delete(message.attemptId);
  }
}
