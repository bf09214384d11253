import { OverloadedError } from '../core/errors/index.js';

export interface WaitAdmissionOptions {
  /** Most clients held at once waiting for a job. */
  maxWaitingClients: number;
  /** Most inline submissions at once. */
  maxInlineSubmissions: number;
  /** Inline submissions running in this process now. */
  inlineInFlight: () => number;
  retryAfterMs: number;
}

/** A reservation not turned into a wait within this time is given back (the route failed). */
const reservationLifetimeMs = 30_000;

/**
 * Per-instance admission of held work: clients waiting for a job and inline submissions.
 * A job whose client will wait is refused before it is stored (so the 503 is safe to retry);
 * once stored, its wait is reserved and never refused afterwards.
 */
export class WaitAdmission {
  private waiting = 0;
  private readonly reserved = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: WaitAdmissionOptions) {}

  /** Held waits plus reservations, for metrics and tests. */
  get held(): number {
    return this.waiting + this.reserved.size;
  }

  /**
   * Whether a job no client waits for (a 202) may be submitted inline too: while fewer than
   * half the inline submissions are running, so that waiting clients, which would otherwise
   * be refused, keep the other half. Past it the job goes through the queue, as before.
   */
  roomToSubmitInline(): boolean {
    const { maxInlineSubmissions, inlineInFlight } = this.options;
    return inlineInFlight() < Math.floor(maxInlineSubmissions / 2);
  }

  /**
   * Called before storing a job whose client waits and which this process will submit inline.
   * @throws OverloadedError when either limit is reached.
   */
  reserve(jobId: string, inline: boolean): void {
    const { maxWaitingClients, maxInlineSubmissions, inlineInFlight } = this.options;
    if (this.held >= maxWaitingClients) throw this.overloaded('waiting_clients', maxWaitingClients);
    if (inline && inlineInFlight() >= maxInlineSubmissions)
      throw this.overloaded('inline_submissions', maxInlineSubmissions);
    const expiry = setTimeout(() => this.reserved.delete(jobId), reservationLifetimeMs);
    expiry.unref();
    this.reserved.set(jobId, expiry);
  }

  /**
   * Starts a held wait for `jobId` (a reserved one always gets in); call the returned function
   * when the wait ends.
   * @throws OverloadedError when no reservation exists and the limit is reached.
   */
  enter(jobId: string): () => void {
    const reservation = this.reserved.get(jobId);
    if (reservation) {
      clearTimeout(reservation);
      this.reserved.delete(jobId);
    } else if (this.held >= this.options.maxWaitingClients) {
      throw this.overloaded('waiting_clients', this.options.maxWaitingClients);
    }
    this.waiting++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.waiting--;
    };
  }

  private overloaded(limit: string, max: number): OverloadedError {
    return new OverloadedError(
      `This instance holds as many ${limit.replace('_', ' ')} as it may (${max}); try again shortly.`,
      this.options.retryAfterMs,
      { limit, max },
    );
  }
}
