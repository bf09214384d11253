import { createId } from '../core/create-id.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.js';
import { defaultGroup, maskKey, passthroughChannelType, type Channel } from '../core/channel.js';
import type { ChannelKeyCipher } from '../security/channel-key-cipher.js';
import type {
  ChannelChanges,
  ChannelRepository,
  StoredChannel,
} from '../store/repositories/channel-repository.js';
import type { ChannelCache } from './channel-cache.js';

/** What a new channel needs; everything but type, name, keys and models has a default. */
export interface NewChannel {
  type: string;
  name: string;
  groups?: string[];
  baseUrl?: string | null;
  keys: string[];
  models: string[];
  modelMapping?: Record<string, string> | null;
  priority?: number;
  weight?: number;
  enabled?: boolean;
}

/** The fields a change may set; `keys` replaces every key. */
export type ChannelUpdate = Partial<NewChannel>;

export interface ChannelAdminOptions {
  repository: ChannelRepository;
  /** Reloaded after each change, so this instance obeys it before the answer goes out. */
  cache: Pick<ChannelCache, 'reload' | 'get' | 'problem'>;
  /** Absent when `SWITCHYARD_SECRET_KEY` is not set: channels then cannot be created. */
  cipher: ChannelKeyCipher | undefined;
  /** Adapter types of the provider registry; `passthrough` is always known. */
  adapterTypes: readonly string[];
  /** Checks that an adapter-typed channel builds (its base URL, say); throws a 400 if not. */
  validate?: (channel: Channel) => void;
  now: () => number;
}

/** Channels as the admin API changes them. */
export class ChannelAdmin {
  constructor(private readonly options: ChannelAdminOptions) {}

  async create(input: NewChannel): Promise<Channel> {
    const cipher = this.requireCipher();
    const now = new Date(this.options.now());
    const channel: Channel = {
      id: createId('chan', now.getTime()),
      type: input.type,
      name: input.name,
      groups: input.groups ?? [defaultGroup],
      baseUrl: input.baseUrl ?? null,
      keys: input.keys,
      keyTails: input.keys.map(maskKey),
      models: input.models,
      modelMapping: input.modelMapping ?? null,
      priority: input.priority ?? 0,
      weight: input.weight ?? 1,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    this.check(channel);
    const { createdAt: _created, updatedAt: _updated, keys, ...fields } = channel;
    const stored = await this.options.repository.insert({
      ...fields,
      keysSealed: keys.map((key) => cipher.seal(key)),
    });
    if (!stored) {
      throw new ConflictError('channel_exists', `A channel named '${input.name}' exists already.`, {
        name: input.name,
      });
    }
    return this.loaded(stored);
  }

  async list(): Promise<Channel[]> {
    const stored = await this.options.repository.list();
    return stored.map((row) => this.view(row));
  }

  /** By id or name; 404 `channel_not_found`. */
  async get(idOrName: string): Promise<Channel> {
    return this.view(await this.find(idOrName));
  }

  async update(idOrName: string, changes: ChannelUpdate): Promise<Channel> {
    const existing = await this.find(idOrName);
    const stored: ChannelChanges = {
      type: changes.type,
      name: changes.name,
      groups: changes.groups,
      baseUrl: changes.baseUrl,
      models: changes.models,
      modelMapping: changes.modelMapping,
      priority: changes.priority,
      weight: changes.weight,
      enabled: changes.enabled,
    };
    if (changes.keys) {
      const cipher = this.requireCipher();
      stored.keysSealed = changes.keys.map((key) => cipher.seal(key));
      stored.keyTails = changes.keys.map(maskKey);
    }
    const current = this.view(existing);
    const defined = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    );
    const next = { ...current, ...defined, keyTails: stored.keyTails ?? current.keyTails };
    this.check(next as Channel);
    let updated: StoredChannel | undefined;
    try {
      updated = await this.options.repository.update(existing.id, stored);
    } catch (error) {
      if (/unique|duplicate/i.test((error as Error).message))
        throw new ConflictError(
          'channel_exists',
          `A channel named '${changes.name}' exists already.`,
        );
      throw error;
    }
    if (!updated) throw new NotFoundError('channel', idOrName);
    return this.loaded(updated);
  }

  async delete(idOrName: string): Promise<void> {
    const existing = await this.find(idOrName);
    await this.options.repository.delete(existing.id);
    await this.options.cache.reload();
  }

  private async find(idOrName: string): Promise<StoredChannel> {
    const found = await this.options.repository.find(idOrName);
    if (!found) throw new NotFoundError('channel', idOrName);
    return found;
  }

  /** After a write: reload this instance's cache, then answer with the stored channel. */
  private async loaded(stored: StoredChannel): Promise<Channel> {
    await this.options.cache.reload();
    return this.view(stored);
  }

  /** The stored row as a channel the admin API may show: keys masked, never opened. */
  private view(row: StoredChannel): Channel {
    const { keysSealed: _sealed, ...fields } = row;
    return { ...fields, keys: row.keyTails };
  }

  private requireCipher(): ChannelKeyCipher {
    if (this.options.cipher) return this.options.cipher;
    throw new ConflictError(
      'secret_key_required',
      'Set SWITCHYARD_SECRET_KEY (16 characters or more) before adding channels: their provider keys are encrypted at rest with a key derived from it.',
    );
  }

  private check(channel: Channel): void {
    const known = [passthroughChannelType, ...this.options.adapterTypes];
    if (!known.includes(channel.type)) {
      throw new ValidationError(
        `Unknown channel type '${channel.type}' (known: ${known.join(', ')}).`,
        { type: channel.type, known },
        'unknown_channel_type',
      );
    }
    if (channel.type === passthroughChannelType && !channel.baseUrl)
      throw new ValidationError('A passthrough channel needs a base_url.', { field: 'base_url' });
    for (const served of Object.keys(channel.modelMapping ?? {})) {
      if (!channel.models.includes(served)) {
        throw new ValidationError(`model_mapping names '${served}', which is not in models.`, {
          field: 'model_mapping',
        });
      }
    }
    if (channel.type !== passthroughChannelType) this.options.validate?.(channel);
  }
}
