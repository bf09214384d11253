import type { Channel } from '../core/channel.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ChannelKeyCipher } from '../security/channel-key-cipher.js';
import { NotifiedReload } from '../store/notified-reload.js';
import type { Database } from '../store/database.js';
import type { ChannelRepository, StoredChannel } from '../store/repositories/channel-repository.js';
import type { ChannelKeyRing, PickedKey } from './channel-key-ring.js';

/** The NOTIFY channel of the channels trigger (migration 0007). */
export const channelsNotifyChannel = 'switchyard_channels';

export interface ChannelCacheOptions {
  database: Database;
  repository: ChannelRepository;
  /** Opens sealed keys; absent when `SWITCHYARD_SECRET_KEY` is not set. */
  cipher: ChannelKeyCipher | undefined;
  keyRing: ChannelKeyRing;
  /** Backstop reload period, for a missed notification. */
  reloadIntervalMs: number;
  alerts: Pick<AlertSink, 'raise'>;
  logger: Logger;
}

/**
 * Every channel in memory with its keys opened. Each instance LISTENs for the trigger's NOTIFY
 * (in process on PGlite) and reloads at once, with a periodic reload as backstop, so a channel
 * added, changed or disabled from the admin API or plain SQL is obeyed everywhere within a
 * second — the S4 outage was a 60 s cache that only a restart fixed. Listeners (the provider
 * instances built from channels) are told after each reload.
 */
export class ChannelCache {
  private channels = new Map<string, Channel>();
  /** Channels whose keys could not be opened (no or another secret), with the reason. */
  private unreadable = new Map<string, string>();
  private readonly listeners = new Set<(channels: readonly Channel[]) => void>();
  private readonly reloader: NotifiedReload;
  /** Applied reloads (tests wait on it instead of on time). */
  reloads = 0;

  constructor(private readonly options: ChannelCacheOptions) {
    this.reloader = new NotifiedReload({
      database: options.database,
      channel: channelsNotifyChannel,
      intervalMs: options.reloadIntervalMs,
      read: () => this.read(),
      onError: (error) =>
        options.logger.error(
          { error: error.message },
          'channel reload failed; keeping the last channels',
        ),
      onReconnect: () => options.logger.info('channel notifications resumed; reloading'),
    });
  }

  async start(): Promise<void> {
    await this.reloader.start();
  }

  async stop(): Promise<void> {
    await this.reloader.stop();
  }

  /** Re-reads every channel; concurrent calls coalesce into one more read. */
  reload(): Promise<void> {
    return this.reloader.reload();
  }

  /** Every readable channel, by id. */
  list(): Channel[] {
    return [...this.channels.values()];
  }

  get(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  /** Why a stored channel is not loaded (its keys cannot be opened), if it is not. */
  problem(id: string): string | undefined {
    return this.unreadable.get(id);
  }

  /** Enabled channels of `group` serving `model`. */
  serving(group: string, model: string): Channel[] {
    return this.list().filter(
      (channel) =>
        channel.enabled && channel.groups.includes(group) && channel.models.includes(model),
    );
  }

  /** Calls `listener` after every reload from now on; returns an unsubscribe. */
  onChange(listener: (channels: readonly Channel[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next key of a channel in rotation, or undefined when all are set aside. */
  pickKey(channel: Channel): PickedKey | undefined {
    return this.options.keyRing.pick(channel);
  }

  /** Usable and set-aside key counts of a channel. */
  keyCounts(channel: Channel): { available: number; setAside: number } {
    return this.options.keyRing.counts(channel);
  }

  /**
   * Takes a key that answered an auth or credit refusal out of rotation and alerts once per
   * set-aside (the alert names the channel and the key's masked tail, never the key).
   */
  setKeyAside(channel: Channel, index: number, reason: string): void {
    if (!this.options.keyRing.setAside(channel, index)) return;
    const details = { channel: channel.id, name: channel.name, key: channel.keyTails[index] };
    this.options.alerts
      .raise({
        type: 'channel_key_set_aside',
        severity: 'warning',
        message: `channel ${channel.name} (${channel.id}) set key ${channel.keyTails[index]} aside: ${reason}`,
        details,
      })
      .catch((error: unknown) =>
        this.options.logger.warn(
          { ...details, error: (error as Error).message },
          'could not raise channel key alert',
        ),
      );
  }

  private async read(): Promise<void> {
    const stored = await this.options.repository.list();
    const channels = new Map<string, Channel>();
    const unreadable = new Map<string, string>();
    for (const row of stored) {
      const opened = this.open(row);
      if (typeof opened === 'string') unreadable.set(row.id, opened);
      else channels.set(row.id, opened);
    }
    for (const [id, reason] of unreadable) {
      if (this.unreadable.get(id) !== reason)
        this.options.logger.error({ channel: id }, `channel not loaded: ${reason}`);
    }
    this.channels = channels;
    this.unreadable = unreadable;
    this.options.keyRing.retain(new Set(channels.keys()));
    this.reloads++;
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }

  /** The channel with its keys opened, or why they cannot be. */
  private open(row: StoredChannel): Channel | string {
    const { cipher } = this.options;
    if (!cipher) return 'SWITCHYARD_SECRET_KEY is not set, so its keys cannot be decrypted';
    let keys: string[];
    try {
      keys = row.keysSealed.map((sealed) => cipher.open(sealed));
    } catch {
      return 'its keys do not decrypt with this SWITCHYARD_SECRET_KEY';
    }
    const { keysSealed: _sealed, ...rest } = row;
    return { ...rest, keys };
  }
}
