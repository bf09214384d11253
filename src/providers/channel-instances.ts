import { passthroughChannelType, type Channel } from '../core/channel.js';
import { ValidationError } from '../core/errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { ChannelCache } from '../tenancy/channel-cache.js';
import { ChannelAdapter } from './channel-adapter.js';
import type { ProviderFactory, ProviderRuntime } from './kernel/provider-factory.js';
import type { ChannelInstanceSpec, ProviderInstances } from './provider-instances.js';

/**
 * The factory config entry of a channel with one of its keys. Types whose schema takes no key
 * or base URL (the simulator) get the entry without them rather than a refusal.
 */
function parseChannelConfig(
  factory: ProviderFactory,
  channel: Channel,
  key: string,
): { id: string; type: string } {
  const entry: Record<string, unknown> = { id: channel.id, type: channel.type, apiKey: key };
  if (channel.baseUrl) entry.baseUrl = channel.baseUrl;
  let parsed = factory.configSchema.safeParse(entry);
  if (!parsed.success && parsed.error.issues.every((issue) => issue.code === 'unrecognized_keys')) {
    const { apiKey: _key, baseUrl: _url, ...bare } = entry;
    parsed = factory.configSchema.safeParse(bare);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') === 'baseUrl' ? 'base_url' : issue?.path.join('.');
    throw new ValidationError(
      `This ${channel.type} channel does not build: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}.`,
      { field },
      'invalid_channel',
    );
  }
  return parsed.data;
}

/** Builds a channel's provider instance (one inner adapter per key); throws a 400 if it cannot. */
export function buildChannelAdapter(
  channel: Channel,
  factory: ProviderFactory,
  runtime: ProviderRuntime,
  keys: Pick<ChannelCache, 'pickKey' | 'setKeyAside'>,
): ChannelAdapter {
  const adapters = channel.keys.map((key) =>
    factory.create(parseChannelConfig(factory, channel, key), runtime),
  );
  return new ChannelAdapter(channel, adapters, keys);
}

/** A check for the channel admin: the channel's type builds with its base URL and keys. */
export function channelValidator(
  factories: readonly ProviderFactory[],
): (channel: Channel) => void {
  const byType = new Map(factories.map((factory) => [factory.type, factory]));
  return (channel) => {
    const factory = byType.get(channel.type);
    if (factory) parseChannelConfig(factory, channel, channel.keys[0] ?? 'unset');
  };
}

/**
 * Keeps the provider instances in step with the channels: after every channel reload, each
 * channel of an adapter type becomes a runtime provider instance (routing, health, catalog and
 * polling see it like any other); passthrough channels are relay-only and are not instances.
 * Returns an unsubscribe.
 */
export function syncChannelInstances(options: {
  cache: ChannelCache;
  instances: ProviderInstances;
  factories: readonly ProviderFactory[];
  runtime: ProviderRuntime;
  logger: Logger;
}): () => void {
  const byType = new Map(options.factories.map((factory) => [factory.type, factory]));
  const apply = (channels: readonly Channel[]) => {
    const specs: ChannelInstanceSpec[] = [];
    for (const channel of channels) {
      if (channel.type === passthroughChannelType) continue;
      const factory = byType.get(channel.type);
      if (!factory) {
        options.logger.error({ channel: channel.id }, `channel type '${channel.type}' is unknown`);
        continue;
      }
      try {
        const adapter = buildChannelAdapter(channel, factory, options.runtime, options.cache);
        // A channel's own host (often private: a proxy or a fake) may be downloaded from.
        if (channel.baseUrl)
          options.runtime.fetchContext.guard.addAllowedHost(new URL(channel.baseUrl).host);
        specs.push({
          adapter,
          enabled: channel.enabled,
          groups: channel.groups,
          priority: channel.priority,
          weight: channel.weight,
        });
      } catch (error) {
        options.logger.error(
          { channel: channel.id, error: (error as Error).message },
          'channel not loaded',
        );
      }
    }
    options.instances.replaceChannels(specs);
  };
  apply(options.cache.list());
  return options.cache.onChange(apply);
}
