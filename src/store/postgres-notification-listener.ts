import pg from 'pg';

/** What a subscriber of one channel hears. */
export interface ChannelSubscriber {
  onMessage: (payload: string) => void;
  /**
   * Called after the LISTEN connection came back from a drop: notifications sent while it was
   * down are lost, so a subscriber that caches shared state reloads it here.
   */
  onReconnect?: () => void;
}

export interface NotificationListenerOptions {
  connectionString: string;
  /** The connection dropped, or a reconnect attempt failed (logged by the caller). */
  onError?: (error: unknown) => void;
  /** First reconnect delay; doubles per failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The one dedicated PostgreSQL connection that LISTENs for every channel. When the server
 * drops it (restart, failover, `pg_terminate_backend`) it reconnects with capped exponential
 * backoff, LISTENs again on every channel and tells each subscriber, so NOTIFY-based
 * propagation resumes without a person.
 */
export class PostgresNotificationListener {
  private readonly channels = new Map<string, Set<ChannelSubscriber>>();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  /** Whether the previous connection was lost (so the next success is a reconnect). */
  private lost = false;

  constructor(private readonly options: NotificationListenerOptions) {}

  /** Whether LISTEN is in force right now (readiness). */
  connected(): boolean {
    return this.client !== undefined;
  }

  /** Subscribes; resolves once the channel is LISTENed on. */
  async subscribe(channel: string, subscriber: ChannelSubscriber): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = new Set();
      this.channels.set(channel, subscribers);
      const client = this.client ?? (await this.connect());
      // A client from connect() already LISTENs on every channel known when it connected.
      await client.query(`LISTEN "${channel}"`);
    }
    subscribers.add(subscriber);
    return async () => {
      subscribers.delete(subscriber);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** One connection attempt at a time; concurrent subscribers share it. */
  private connect(): Promise<pg.Client> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: 5000,
    });
    client.on('notification', (message) => {
      for (const subscriber of this.channels.get(message.channel) ?? [])
        subscriber.onMessage(message.payload ?? '');
    });
    // Without this listener a dropped connection is an unhandled 'error' event: a crash.
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client, undefined));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('notification listener closed');
    }
    this.client = client;
    this.failures = 0;
    if (this.lost) {
      this.lost = false;
      for (const subscribers of this.channels.values())
        for (const subscriber of subscribers) subscriber.onReconnect?.();
    }
    return client;
  }

  private dropped(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.lost = true;
    client.end().catch(() => undefined);
    if (error !== undefined) this.options.onError?.(error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const initial = this.options.initialBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 5000;
    const base = Math.min(max, initial * 2 ** this.failures);
    // Jitter, so that every instance of a fleet does not reconnect in the same millisecond.
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.failures++;
        this.options.onError?.(error);
        this.scheduleReconnect();
      });
    }, delay);
    this.retryTimer.unref();
  }
}
