import type { Database } from '../store/database.js';
import { claimDuePolls, type ClaimedPoll } from '../store/repositories/poll-schedule.js';
import type { Logger } from '../observability/logger.js';
import type { JobQueue } from './job-queue.js';
import type { PollWorker } from './poll-worker.js';

export interface PollDispatcherOptions {
  /** The workers' pool. */
  database: Database;
  /** Tells the dispatcher when polls this process scheduled come due; adopts legacy messages. */
  queue: JobQueue;
  pollWorker: PollWorker;
  /** Polls in flight at once (each is one provider status call). */
  concurrency: number;
  /** Most polls claimed by one statement. */
  maxBatch: number;
  /** An idle dispatcher looks for due polls this often (other instances' polls, a restart). */
  pollingIntervalMs: number;
  /** A claimed poll not rescheduled in this time is due again (its process died mid-poll). */
  leaseMs: number;
  /** A poll whose handling threw (a database blip) is due again after this long. */
  retryAfterErrorMs?: number;
  logger: Logger;
}

/** Legacy pg-boss poll messages (an older instance during a rolling upgrade) are looked for this often. */
const adoptIntervalMs = 60_000;

/**
 * Runs due polls (ADR 0023): claims attempts whose `poll_at` has come, with their jobs, in one
 * statement per batch, and hands them to {@link PollWorker}, which schedules each one's next
 * poll or ends it. Woken by the polls this process schedules and, idle, every polling interval
 * for the rest. A claim is a lease: nothing is acknowledged, the next due time or the job's end
 * is the acknowledgement.
 */
export class PollDispatcher {
  private inFlight = 0;
  private claiming = false;
  private claimAgain = false;
  private stopped = true;
  private idleTimer: NodeJS.Timeout | undefined;
  private adoptTimer: NodeJS.Timeout | undefined;
  private readonly batches = new Set<Promise<void>>();

  constructor(private readonly options: PollDispatcherOptions) {
    options.queue.onPollsDue(() => this.wake());
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.adopt();
    this.idleTimer = setInterval(() => this.wake(), this.options.pollingIntervalMs);
    this.idleTimer.unref();
    this.adoptTimer = setInterval(() => void this.adopt(), adoptIntervalMs);
    this.adoptTimer.unref();
    this.wake();
  }

  /** Stops claiming and waits for the polls in flight (their provider calls are aborted by shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.idleTimer);
    clearInterval(this.adoptTimer);
    await Promise.allSettled([...this.batches]);
  }

  /** Polls being handled now. */
  get polling(): number {
    return this.inFlight;
  }

  /** Claims due polls now, as many as there is room for. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    void this.claimWhileDue();
  }

  private async adopt(): Promise<void> {
    try {
      const adopted = await this.options.queue.adoptQueuedPolls();
      if (adopted > 0)
        this.options.logger.info({ adopted }, 'moved queued poll messages onto their attempts');
    } catch (error) {
      this.options.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'could not adopt queued poll messages; will try again',
      );
    }
  }

  private async claimWhileDue(): Promise<void> {
    const { options } = this;
    this.claiming = true;
    try {
      do {
        this.claimAgain = false;
        const room = Math.min(options.maxBatch, options.concurrency - this.inFlight);
        // Full: a finishing batch claims again.
        if (room <= 0 || this.stopped) return;
        const now = Date.now();
        const claimed = await claimDuePolls(
          options.database,
          new Date(now),
          room,
          new Date(now + options.leaseMs),
        );
        if (claimed.length > 0) this.run(claimed);
        // A full claim means more may be due.
        if (claimed.length === room) this.claimAgain = true;
      } while (this.claimAgain);
    } catch (error) {
      // The rows stay due; the next wake-up or interval claims them.
      options.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'could not claim due polls; will look again',
      );
    } finally {
      this.claiming = false;
    }
  }

  private run(claimed: ClaimedPoll[]): void {
    this.inFlight += claimed.length;
    const batch = Promise.all(claimed.map((entry) => this.runOne(entry))).then(() => {
      this.batches.delete(batch);
      this.wake();
    });
    this.batches.add(batch);
  }

  private async runOne(entry: ClaimedPoll): Promise<void> {
    const { options } = this;
    try {
      await options.pollWorker.process(entry.poll, { job: entry.job, attempt: entry.attempt });
    } catch (error) {
      options.logger.error(
        { jobId: entry.poll.jobId, error: error instanceof Error ? error.message : String(error) },
        'poll failed; will poll again',
      );
      // Sooner than the lease would; if this fails too (the database is away), the lease still
      // brings the poll back.
      await options.queue
        .retryPoll(entry.poll, options.retryAfterErrorMs ?? 2000)
        .catch(() => undefined);
    } finally {
      this.inFlight--;
    }
  }
}
