/**
 * Re-reads shared rows on demand (a NOTIFY, a timer, a caller), never two reads at once: a
 * call while a read runs asks for one more read after it, so a change notified mid-read is not
 * missed, and every caller waits for the read that covers its call. A failed read is reported
 * and the last good state kept; the next call reads again.
 */
export class CoalescedReload {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly read: () => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Reads now, or once more after the read in progress. */
  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.read();
        } while (this.again);
      } catch (error) {
        this.onError(error instanceof Error ? error : new Error(String(error)));
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Resolves once no read is in progress (for a clean stop). */
  async idle(): Promise<void> {
    await this.running;
  }
}
