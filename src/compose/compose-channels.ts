import type { Config } from '../config/config-schema.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import { channelValidator, syncChannelInstances } from '../providers/channel-instances.js';
import type { ProviderFactory } from '../providers/kernel/provider-factory.js';
import { ChannelTester } from '../relay/channel-tester.js';
import { RelayMeter } from '../relay/relay-meter.js';
import { RelayService } from '../relay/relay-service.js';
import { ChannelKeyCipher } from '../security/channel-key-cipher.js';
import { ChannelRepository } from '../store/repositories/channel-repository.js';
import { RelayTaskRepository } from '../store/repositories/relay-task-repository.js';
import { ChannelAdmin } from '../tenancy/channel-admin.js';
import { ChannelCache } from '../tenancy/channel-cache.js';
import { ChannelKeyRing } from '../tenancy/channel-key-ring.js';
import type { ProvidersLayer } from './compose-providers.js';
import type { QuotaLayer } from './compose-quota.js';
import type { StoreLayer } from './compose-store.js';
import type { Service } from './lifecycle.js';

/** Channels, the instances built from them, and the relay. */
export interface ChannelsLayer {
  cache: ChannelCache;
  admin: ChannelAdmin;
  tester: ChannelTester;
  relay: RelayService;
  /** Starts the cache (first load, LISTEN) and keeps provider instances in step with it. */
  service: Service;
}

/**
 * Wires channels. Without `SWITCHYARD_SECRET_KEY` the gateway runs as before, but creating a
 * channel is refused (409 `secret_key_required`) and stored channels are not loaded.
 */
export function composeChannels(
  config: Config,
  layers: {
    store: Pick<StoreLayer, 'database'>;
    providers: ProvidersLayer;
    alerts: AlertSink;
    quota: Pick<QuotaLayer, 'reserver'>;
  },
  options: {
    env: NodeJS.ProcessEnv;
    factories: readonly ProviderFactory[];
    logger: Logger;
    now: () => number;
  },
): ChannelsLayer {
  const { database } = layers.store;
  const { instances, fetchContext } = layers.providers;
  const cipher = config.secretKey ? new ChannelKeyCipher(config.secretKey) : undefined;
  const repository = new ChannelRepository(database);
  const cache = new ChannelCache({
    database,
    repository,
    cipher,
    keyRing: new ChannelKeyRing({
      setAsideMs: config.channels.keySetAsideSeconds * 1000,
      now: options.now,
    }),
    reloadIntervalMs: config.channels.reloadIntervalSeconds * 1000,
    alerts: layers.alerts,
    logger: options.logger,
  });
  const admin = new ChannelAdmin({
    repository,
    cache,
    cipher,
    adapterTypes: options.factories.map((factory) => factory.type),
    validate: channelValidator(options.factories),
    now: options.now,
  });
  const tester = new ChannelTester({
    channels: cache,
    instances,
    relay: config.relay,
    timeoutMs: 10_000,
  });
  const relay = new RelayService({
    channels: cache,
    tasks: new RelayTaskRepository(database),
    config: config.relay,
    logger: options.logger,
    meter: new RelayMeter({
      database,
      reserver: layers.quota.reserver,
      prices: config.relay.prices,
      now: options.now,
    }),
  });
  let unsubscribe: (() => void) | undefined;
  const service: Service = {
    async start() {
      unsubscribe = syncChannelInstances({
        cache,
        instances,
        factories: options.factories,
        runtime: { database, fetchContext, env: options.env, now: options.now },
        logger: options.logger,
      });
      await cache.start();
    },
    async stop() {
      unsubscribe?.();
      await cache.stop();
    },
  };
  return { cache, admin, tester, relay, service };
}
