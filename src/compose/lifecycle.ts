import { setMaxListeners } from 'node:events';

/** Something the gateway starts and stops; either half may be missing. */
export interface Service {
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

interface Entry {
  service: Service;
  started: boolean;
}

/**
 * Starts services in the order they were added and stops them in reverse, so that each one
 * stops while everything it relies on still runs. Only what started is stopped: a composition
 * that fails halfway closes what it opened and nothing else.
 */
export class Lifecycle {
  private readonly entries: Entry[] = [];
  private readonly shutdown = new AbortController();
  private stopping: Promise<void> | undefined;

  constructor() {
    // Every provider call in flight and every held request listens here (and stops listening
    // when it ends): hundreds at once under load are the design, not a leak, so Node's warning
    // past ten listeners would only alarm operators.
    setMaxListeners(0, this.shutdown.signal);
  }

  /**
   * Aborted as the first step of `stop()`: held requests answer and provider calls stop waiting
   * before anything closes.
   */
  get signal(): AbortSignal {
    return this.shutdown.signal;
  }

  /** A service to start with `start()`. */
  add(service: Service): void {
    this.entries.push({ service, started: false });
  }

  /** A resource that is live already (an open pool): it is only stopped. */
  adopt(stop: () => Promise<void> | void): void {
    this.entries.push({ service: { stop }, started: true });
  }

  async start(): Promise<void> {
    for (const entry of this.entries) {
      if (entry.started) continue;
      await entry.service.start?.();
      entry.started = true;
    }
  }

  /** Stops once; later calls wait for the first. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    this.shutdown.abort();
    for (const entry of [...this.entries].reverse()) {
      if (!entry.started) continue;
      entry.started = false;
      await entry.service.stop?.();
    }
  }
}
