import type { ProviderAdapter } from '../core/provider-adapter.js';
import type { ModelOffering } from '../core/model-capabilities.js';
import { defaultGroup } from '../core/channel.js';

/** A loaded provider instance with its operator state. */
export interface ProviderInstance {
  adapter: ProviderAdapter;
  /** Operator switch; disabled providers are never routed to and pinned requests get 403. */
  enabled: boolean;
  /** Config-file order, used as the default chain order. */
  order: number;
  /** Routing groups it serves: `default` for env/config providers, a channel's own groups. */
  groups: readonly string[];
  /** Priority tier (higher first); 0 for env/config providers. */
  priority: number;
  /** Share of traffic inside its tier; 1 for env/config providers. */
  weight: number;
  /** Set when the instance was built from a channel (its id equals the channel's). */
  channelId?: string;
}

/** A provider instance built from a channel (see `syncChannelInstances`). */
export interface ChannelInstanceSpec {
  adapter: ProviderAdapter;
  enabled: boolean;
  groups: readonly string[];
  priority: number;
  weight: number;
}

/**
 * The provider instances loaded in this process, in configuration order. Routing, the catalog
 * and the admin API read from here; the control plane flips `enabled`.
 */
export class ProviderInstances {
  private readonly instances = new Map<string, ProviderInstance>();
  private readonly listeners = new Set<() => void>();
  private readonly configuredCount: number;

  constructor(adapters: readonly { adapter: ProviderAdapter; enabled: boolean }[]) {
    adapters.forEach(({ adapter, enabled }, order) => {
      if (this.instances.has(adapter.id)) throw new Error(`duplicate provider id '${adapter.id}'`);
      this.instances.set(adapter.id, {
        adapter,
        enabled,
        order,
        groups: [defaultGroup],
        priority: 0,
        weight: 1,
      });
    });
    this.configuredCount = adapters.length;
  }

  /**
   * Replaces every channel-built instance with `channels` (after a channel reload). Env/config
   * instances stay; a channel id that collides with one of them is skipped.
   */
  replaceChannels(channels: readonly ChannelInstanceSpec[]): void {
    for (const [id, instance] of this.instances)
      if (instance.channelId !== undefined) this.instances.delete(id);
    channels.forEach((spec, index) => {
      const id = spec.adapter.id;
      if (this.instances.has(id)) return;
      this.instances.set(id, {
        adapter: spec.adapter,
        enabled: spec.enabled,
        order: this.configuredCount + index,
        groups: spec.groups,
        priority: spec.priority,
        weight: spec.weight,
        channelId: id,
      });
    });
    this.changed();
  }

  /** All instances, in configuration order. */
  list(): ProviderInstance[] {
    return [...this.instances.values()];
  }

  get(id: string): ProviderInstance | undefined {
    return this.instances.get(id);
  }

  /** The adapter for an id; undefined when not loaded. */
  adapter(id: string): ProviderAdapter | undefined {
    return this.instances.get(id)?.adapter;
  }

  setEnabled(id: string, enabled: boolean): void {
    const instance = this.instances.get(id);
    if (!instance || instance.enabled === enabled) return;
    instance.enabled = enabled;
    this.changed();
  }

  /** Every (instance, offering) pair serving a catalog key. */
  offeringsFor(modelKey: string): { instance: ProviderInstance; offering: ModelOffering }[] {
    const result: { instance: ProviderInstance; offering: ModelOffering }[] = [];
    for (const instance of this.instances.values()) {
      for (const offering of instance.adapter.models) {
        if (offering.modelKey === modelKey) result.push({ instance, offering });
      }
    }
    return result;
  }

  /**
   * The catalog key for a name a client sent: the key itself, or a provider's own model id
   * (`haiper/haiper-video-2` → `haiper-v2`), or a retired key a live model `replaces`
   * (`gpt-image-1` → `gpt-image-2`). Undefined when nothing matches.
   */
  resolveModelKey(name: string): string | undefined {
    let byProviderId: string | undefined;
    let bySuccessor: string | undefined;
    for (const instance of this.instances.values()) {
      for (const offering of instance.adapter.models) {
        if (offering.modelKey === name) return name;
        if (offering.providerModelId === name) byProviderId ??= offering.modelKey;
        if (offering.replaces.includes(name)) bySuccessor ??= offering.modelKey;
      }
    }
    return byProviderId ?? bySuccessor;
  }

  /** Subscribes to changes (enable/disable, profile updates); returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells subscribers that models, prices or switches changed. */
  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
