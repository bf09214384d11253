import type { TelegramWebhookReceiver } from '../bot/telegram-webhook.js';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config-schema.js';
import type { RateLimitBackend } from '../http/routes/api-key-rate-limit.js';
import type { AppDependencies } from '../http/routes/app-dependencies.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import { createReadinessProbe } from '../observability/readiness-probe.js';
import type { ProviderFactory } from '../providers/kernel/provider-factory.js';
import type { RolloutService } from '../rollout/rollout-service.js';
import type { ObserversLayer } from './compose-observability.js';
import type { JobApiLayer } from './compose-job-api.js';
import type { JobsLayer } from './compose-jobs.js';
import type { ProvidersLayer } from './compose-providers.js';
import type { RoutingLayer } from './compose-routing.js';
import type { StoreLayer } from './compose-store.js';
import type { Service } from './lifecycle.js';
import type { TenancyLayer } from './compose-tenancy.js';
import type { QuotaLayer } from './compose-quota.js';
import type { ChannelsLayer } from './compose-channels.js';

/** What the routes are given. */
export function composeHttp(
  config: Config,
  layers: {
    store: StoreLayer;
    providers: ProvidersLayer;
    routing: RoutingLayer;
    observers: ObserversLayer;
    jobs: JobsLayer;
    jobApi: JobApiLayer;
    alerts: AlertSink;
    rollouts: RolloutService;
    tenancy: TenancyLayer;
    rateLimits: RateLimitBackend;
    quota: QuotaLayer;
    channels: ChannelsLayer;
  },
  options: {
    logger: Logger;
    runWorkers: boolean;
    factories: readonly ProviderFactory[];
    telegramWebhook?: TelegramWebhookReceiver;
  },
): AppDependencies {
  const { store, providers, routing, observers, jobs, jobApi } = layers;
  return {
    config,
    logger: options.logger,
    jobs: jobApi.jobs,
    assets: store.assets,
    instances: providers.instances,
    router: routing.router,
    providerAdmin: routing.providerAdmin,
    offerings: routing.offerings,
    inboundWebhooks: jobApi.inboundWebhooks,
    webhookSecret: () => store.webhookSecret,
    // An API-only instance is ready without workers: others on the same database do the work.
    readiness: createReadinessProbe(
      store.database,
      () => jobs.engine.running || !options.runWorkers,
      layers.tenancy.authMode,
      () => store.assets.health(),
      () => store.diskFloor.health(),
    ),
    database: store.database,
    jobEvents: jobs.events,
    generations: store.repository,
    controlPlane: routing.controlPlane,
    health: routing.health,
    metrics: observers.metrics,
    alerts: layers.alerts,
    analytics: observers.analytics,
    rollouts: layers.rollouts,
    apiKeys: layers.tenancy.cache,
    keyless: layers.tenancy.keyless,
    tenancy: layers.tenancy.admin,
    rateLimits: layers.rateLimits,
    ledger: layers.quota.ledger,
    usage: layers.quota.usage,
    channels: layers.channels,
    knownProviderTypes: options.factories
      .map((factory) => factory.type)
      .filter((type) => type !== 'simulator'),
    telegramWebhook: options.telegramWebhook,
  };
}

/**
 * Closing the app: held requests were answered when shutdown aborted; others get `graceMs`,
 * then keep-alive sockets that Node does not consider idle (seen after streamed responses) are
 * cut.
 */
export function httpService(app: FastifyInstance, graceMs: number): Service {
  return {
    async stop() {
      const force = setTimeout(() => app.server.closeAllConnections(), graceMs);
      await app.close();
      clearTimeout(force);
    },
  };
}
