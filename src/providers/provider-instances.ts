import type { ProviderAdapter } from '../core/provider-adapter.js';
import type { ModelOffering } from '../core/model-capabilities.js';

/** A loaded provider instance with its operator state. */
export interface ProviderInstance {
  adapter: ProviderAdapter;
  /** Operator switch; disabled providers are never routed to and pinned requests get 403. */
  enabled: boolean;
  /** Config-file order, used as the default chain order. */
  order: number;
}

/**
 * The provider instances loaded in this process, in configuration order. Routing, the catalog
 * and the admin API read from here; the control plane flips `enabled`.
 */
export class ProviderInstances {
  private readonly instances = new Map<string, ProviderInstance>();
  private readonly listeners = new Set<() => void>();

  constructor(adapters: readonly { adapter: ProviderAdapter; enabled: boolean }[]) {
    adapters.forEach(({ adapter, enabled }, order) => {
      if (this.instances.has(adapter.id)) throw new Error(`duplicate provider id '${adapter.id}'`);
      this.instances.set(adapter.id, { adapter, enabled, order });
    });
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
   * (`haiper/haiper-video-2` → `haiper-v2`). Undefined when nothing matches.
   */
  resolveModelKey(name: string): string | undefined {
    let byProviderId: string | undefined;
    for (const instance of this.instances.values()) {
      for (const offering of instance.adapter.models) {
        if (offering.modelKey === name) return name;
        if (offering.providerModelId === name) byProviderId ??= offering.modelKey;
      }
    }
    return byProviderId;
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
