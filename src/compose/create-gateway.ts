import type { FastifyInstance } from 'fastify';
import type { AnalyticsRecorder } from '../analytics/analytics-recorder.js';
import type { CostAlertEvaluator, CostAlertNotifier } from '../analytics/cost-alert-evaluator.js';
import type { Config } from '../config/config-schema.js';
import { buildApp } from '../http/build-app.js';
import type { CallerKeyVault } from '../jobs/caller-key-vault.js';
import type { JobEngine } from '../jobs/job-engine.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobEvents } from '../jobs/job-events.js';
import type { JobService } from '../jobs/job-service.js';
import type { RetentionSweeper } from '../jobs/retention-sweeper.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import { createLogger, type Logger } from '../observability/logger.js';
import type { ProviderFactory } from '../providers/kernel/provider-factory.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { providerFactories } from '../providers/registry.js';
import type { RolloutController } from '../rollout/rollout-controller.js';
import type { RolloutService } from '../rollout/rollout-service.js';
import type { ControlPlane } from '../routing/control-plane/control-plane.js';
import type { ProviderHealthService } from '../routing/provider-health.js';
import type { Database } from '../store/database.js';
import { composeBot } from './compose-bot.js';
import { composeHttp, httpService } from './compose-http.js';
import { composeJobApi } from './compose-job-api.js';
import { composeJobs } from './compose-jobs.js';
import { checkRoutingProviders } from '../config/check-routing-providers.js';
import { composeAlerts, composeObservers } from './compose-observability.js';
import { composeProviders } from './compose-providers.js';
import { composeQueue } from './compose-queue.js';
import { composeQuota } from './compose-quota.js';
import { composeRateLimits } from './compose-rate-limits.js';
import { composeRollouts } from './compose-rollouts.js';
import { composeRouting } from './compose-routing.js';
import { composeStore } from './compose-store.js';
import { composeTenancy, type TenancyLayer } from './compose-tenancy.js';
import { composeChannels, type ChannelsLayer } from './compose-channels.js';
import { composeCostAlerts } from './compose-cost-alerts.js';
import { GatewayUrls } from './gateway-urls.js';
import { Lifecycle } from './lifecycle.js';
import type { ShadowCopier } from '../rollout/shadow-copier.js';
import type { HostResolver } from '../security/ssrf-guard.js';
import type { StatFs } from '../assets/free-disk-floor.js';

export interface GatewayOptions {
  /** Environment for provider keys (defaults to `process.env`). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** pg-boss schema (tests isolate runs with their own). */
  queueSchema?: string;
  /** Run queue workers in this process (default true). */
  runWorkers?: boolean;
  /** How long close() lets in-flight HTTP requests finish before cutting connections. */
  shutdownGraceMs?: number;
  /** Provider types (tests may add fakes). */
  factories?: readonly ProviderFactory[];
  /** DNS for client webhook targets (tests answer with chosen addresses, sending nothing). */
  resolveHost?: HostResolver;
  /** Clock for the engine, health, analytics and rollouts (tests inject one). */
  now?: () => number;
  /** Where cost alerts go besides the alert sink (the Telegram chat plugs in here). */
  costAlertNotifiers?: readonly CostAlertNotifier[];
  /** The draw that samples requests for a shadow stage (tests inject a seeded one). */
  random?: () => number;
  /** Reads free disk space for `storage.minFreeDiskMb` (tests simulate a low disk). */
  statfs?: StatFs;
}

/** A wired gateway: HTTP app, job engine, queue and database. */
export interface Gateway {
  config: Config;
  app: FastifyInstance;
  database: Database;
  jobs: JobService;
  /** Job state changes made here (and terminal ones NOTIFYed by other instances): what `?wait=` hears. */
  jobEvents: JobEvents;
  engine: JobEngine;
  queue: JobQueue;
  instances: ProviderInstances;
  logger: Logger;
  controlPlane: ControlPlane;
  health: ProviderHealthService;
  analytics: AnalyticsRecorder;
  metrics: GatewayMetrics;
  alerts: AlertSink;
  rollouts: RolloutService;
  rolloutController: RolloutController;
  /** Copies sampled jobs to a shadowing canary; `settled()` waits for the copies in flight. */
  shadowCopier: ShadowCopier;
  /** Compares spend and credit with `costAlerts`; `tick()` evaluates now. */
  costAlerts: CostAlertEvaluator;
  /** Tenants, API keys and the key cache. */
  tenancy: TenancyLayer;
  /** Channels (runtime provider instances per group) and the relay. */
  channels: ChannelsLayer;
  /** Callers' own provider keys held by this process (ADR 0009); `clear()` is what a restart does. */
  callerKeys: CallerKeyVault;
  /** Deletes expired assets and jobs; `tick()` sweeps now. */
  retention: RetentionSweeper;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop, in reverse start order: rollouts, workers, HTTP, the queue (in-flight
   * messages are released for retry), the rest, the databases. Later calls wait for the first.
   */
  close(): Promise<void>;
}

/** Builds and starts everything but the HTTP listener. */
export async function createGateway(
  config: Config,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const factories = options.factories ?? providerFactories;
  const runWorkers = options.runWorkers !== false;
  const lifecycle = new Lifecycle();
  const urls = new GatewayUrls(config.publicUrl, config.port);
  lifecycle.adopt(() => urls.forget());
  try {
    const store = await composeStore(config, logger, lifecycle, now, options.statfs);
    const env = options.env ?? process.env;
    const { database } = store;
    const providers = composeProviders(config, { database, env, now, factories, logger });
    const { instances } = providers;
    checkRoutingProviders(
      config,
      instances.list().map((instance) => instance.adapter.id),
    );
    const alerts = composeAlerts(config, store, logger);
    const routing = composeRouting(config, { database, instances, alerts, logger, now });
    const observers = composeObservers(config, { store, instances, routing, alerts, logger, now });
    const { observer } = observers;
    const queue = composeQueue(config, store, {
      schema: options.queueSchema,
      observer,
      logger,
      now,
    });
    const shutdown = lifecycle.signal;
    const layers = { store, providers, routing, queue };
    const jobs = composeJobs(config, layers, {
      urls,
      shutdown,
      logger,
      now,
      resolveHost: options.resolveHost,
    });
    const quota = composeQuota(store, { alerts, logger, now });
    const { analytics } = observers;
    const dependencies = { store, routing, instances, alerts, analytics, logger, now };
    // Before the job API, which offers every accepted job to the shadow copier.
    const { rollouts, rolloutController, shadowCopier } = composeRollouts(config, {
      ...dependencies,
      jobs,
      stageClock: options.now,
      random: options.random,
    });
    const jobApi = composeJobApi(config, { ...layers, jobs, quota }, shutdown, shadowCopier);
    const telegram = composeBot(
      config,
      { store, jobs: jobApi.jobs, instances },
      { logger, now, shutdown },
    );
    const costAlerts = composeCostAlerts(config, {
      ...dependencies,
      notifiers: [
        ...(options.costAlertNotifiers ?? []),
        ...(telegram.alertNotifier ? [telegram.alertNotifier] : []),
      ],
    });
    const tenancy = await composeTenancy(config, store, { logger, now });
    const rateLimits = await composeRateLimits(config, store, { logger, now, lifecycle });
    const channels = composeChannels(
      config,
      { store, providers, alerts, quota },
      { env, factories, logger, now },
    );
    const app = await buildApp(
      composeHttp(
        config,
        {
          store,
          providers,
          routing,
          observers,
          jobs,
          jobApi,
          alerts,
          rollouts,
          tenancy,
          rateLimits,
          quota,
          channels,
        },
        { logger, runWorkers, factories, telegramWebhook: telegram.bot?.webhook },
      ),
    );

    // Started in this order, stopped in reverse: the Telegram bot, the rollout controller and
    // the workers stop first, then HTTP (in-flight requests may still enqueue), then the queue (in-flight
    // messages are released for retry), and analytics flush what all of them recorded.
    lifecycle.add(store.tableStatistics);
    lifecycle.add(jobs.events);
    lifecycle.add(routing.controlPlane);
    lifecycle.add(tenancy.cache);
    lifecycle.add(tenancy.keyless);
    lifecycle.add(channels.service);
    lifecycle.add(analytics);
    lifecycle.add(routing.health);
    lifecycle.add(jobs.queue);
    lifecycle.add(httpService(app, options.shutdownGraceMs ?? 5000));
    lifecycle.add({
      start: () => (runWorkers ? jobs.engine.start() : undefined),
      stop: () => jobs.engine.stop(),
    });
    lifecycle.add({
      start: () => (runWorkers ? jobs.retention.start() : undefined),
      stop: () => jobs.retention.stop(),
    });
    lifecycle.add({
      start: () => (config.rollouts.enabled ? rolloutController.start() : undefined),
      stop: () => rolloutController.stop(),
    });
    lifecycle.add(costAlerts);
    lifecycle.add(telegram.service);
    await lifecycle.start();

    return {
      config,
      app,
      database,
      jobs: jobApi.jobs,
      jobEvents: jobs.events,
      engine: jobs.engine,
      queue: jobs.queue,
      instances,
      logger,
      controlPlane: routing.controlPlane,
      health: routing.health,
      analytics,
      metrics: observers.metrics,
      alerts,
      rollouts,
      rolloutController,
      shadowCopier,
      costAlerts,
      tenancy,
      channels,
      callerKeys: jobs.callerKeys,
      retention: jobs.retention,
      async listen() {
        const address = await app.listen({ port: config.port, host: config.host });
        const { port } = new URL(address);
        urls.listening(port);
        return `http://127.0.0.1:${port}`;
      },
      close: () => lifecycle.stop(),
    };
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}
