import type { TestClock } from '../helpers/test-clock.js';

/**
 * The time a fake provider lives in: the real time by default, or a test's clock. On a test
 * clock nothing happens by itself: jobs age only when the test moves the clock, and scheduled
 * actions (webhook deliveries) run at the `advance()` that reaches them, so tests step a fake
 * instead of sleeping through its lifecycle.
 */
export class FakeTimeline {
  private readonly scheduled = new Set<{ at: number; run: () => Promise<void> | void }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly clock?: TestClock) {}

  now(): number {
    return this.clock ? this.clock.now() : Date.now();
  }

  /** Runs `run` in `ms`; returns a function that cancels it. */
  schedule(ms: number, run: () => Promise<void> | void): () => void {
    if (!this.clock) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void run();
      }, ms);
      timer.unref();
      this.timers.add(timer);
      return () => {
        clearTimeout(timer);
        this.timers.delete(timer);
      };
    }
    const entry = { at: this.clock.now() + ms, run };
    this.scheduled.add(entry);
    return () => this.scheduled.delete(entry);
  }

  /** Moves the test clock by `ms`, then runs (and awaits) every action that has come due. */
  async advance(ms: number): Promise<void> {
    if (!this.clock) throw new Error('advance() needs the fake to be started with a test clock');
    this.clock.advance(ms);
    const due = [...this.scheduled]
      .filter((entry) => entry.at <= this.now())
      .sort((a, b) => a.at - b.at);
    for (const entry of due) this.scheduled.delete(entry);
    for (const entry of due) await entry.run();
  }

  /** Cancels everything still scheduled. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.scheduled.clear();
  }
}
