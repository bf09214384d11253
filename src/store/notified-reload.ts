import { CoalescedReload } from './coalesced-reload.js';
import type { Database } from './database.js';

/**
 * How every per-process cache of shared rows stays current: a read at start, a read on each
 * NOTIFY of its channel, a read when notifications resume after a lost connection (whatever
 * was notified meanwhile is gone), and a periodic read as the backstop. Reads coalesce
 * (`CoalescedReload`); a failed one keeps the last good state.
 */
export class NotifiedReload {
  private readonly reloader: CoalescedReload;
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      database: Pick<Database, 'listen'>;
      /** The NOTIFY channel the rows' trigger uses. */
      channel: string;
      /** Backstop period, for a notification missed some other way. */
      intervalMs: number;
      read: () => Promise<void>;
      /** A failed read (the last good state stays). */
      onError: (error: Error) => void;
      /** Told when notifications resumed (a log line), before the reload it causes. */
      onReconnect?: () => void;
    },
  ) {
    this.reloader = new CoalescedReload(options.read, options.onError);
  }

  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = await this.options.database.listen(
      this.options.channel,
      () => void this.reload(),
      {
        onReconnect: () => {
          this.options.onReconnect?.();
          void this.reload();
        },
      },
    );
    this.timer = setInterval(() => void this.reload(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.reloader.idle();
  }

  /** Reads now, or once more after the read in progress. */
  reload(): Promise<void> {
    return this.reloader.reload();
  }
}
