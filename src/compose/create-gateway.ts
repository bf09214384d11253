import { setMaxListeners } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/build-app.js';
import { AssetStore } from '../assets/asset-store.js';
import type { Config } from '../config/config-schema.js';
import { JobEngine } from '../jobs/job-engine.js';
import type { JobEngineContext } from '../jobs/job-engine-context.js';
import { JobEvents } from '../jobs/job-events.js';
import { CompositeJobObserver } from '../jobs/composite-job-observer.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobService } from '../jobs/job-service.js';
import { BatchedJobWriter } from '../jobs/batched-job-writer.js';
import { InputImageResolver } from '../jobs/input-image-resolver.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { loadProviders } from '../providers/load-providers.js';
import type { ProviderFactory } from '../providers/kernel/provider-factory.js';
import { ProviderAdmin } from '../routing/control-plane/provider-admin.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { providerFactories } from '../providers/registry.js';
import { Router } from '../routing/router.js';
import { ProviderHealthService } from '../routing/provider-health.js';
import { ControlPlane } from '../routing/control-plane/control-plane.js';
import { AnalyticsRecorder } from '../analytics/analytics-recorder.js';
import { AnalyticsObserver } from '../analytics/analytics-observer.js';
import { AlertSink } from '../observability/alert-sink.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { createReadinessProbe } from '../observability/readiness-probe.js';
import { RolloutService } from '../rollout/rollout-service.js';
import { RolloutStore } from '../rollout/rollout-store.js';
import { RolloutController } from '../rollout/rollout-controller.js';
import { SsrfGuard } from '../security/ssrf-guard.js';
import { loadWebhookSecret } from '../jobs/load-webhook-secret.js';
import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open-database.js';
import { runMigrations } from '../store/run-migrations.js';
import { GenerationRepository } from '../store/repositories/generation-repository.js';
import { InboundWebhookHandler } from '../jobs/inbound-webhook-handler.js';
import { WebhookDispatcher } from '../jobs/webhook-dispatcher.js';

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
  now?: () => number;
}

/** A wired gateway: HTTP app, job engine, queue and database. */
export interface Gateway {
  config: Config;
  app: FastifyInstance;
  database: Database;
  jobs: JobService;
  engine: JobEngine;
  queue: JobQueue;
  instances: ProviderInstances;
  logger: Logger;
  context: JobEngineContext;
  controlPlane: ControlPlane;
  health: ProviderHealthService;
  analytics: AnalyticsRecorder;
  metrics: GatewayMetrics;
  alerts: AlertSink;
  rollouts: RolloutService;
  rolloutController: RolloutController;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: HTTP, workers (in-flight messages are released for retry), database. */
  close(): Promise<void>;
}

/** Memoises an async read for `ms` (scrape-time database counts). */
function cachedFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let value: { at: number; result: Promise<T> } | undefined;
  return () => {
    if (!value || Date.now() - value.at > ms) value = { at: Date.now(), result: read() };
    return value.result;
  };
}

/** Builds and starts everything but the HTTP listener. */
export async function createGateway(
  config: Config,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: config.databaseWorkerPoolSize,
  });
  // On PostgreSQL the API gets its own pool, so that busy workers (submits, polls) can never make
  // a client wait for a connection; PGlite has a single connection anyway.
  const apiDatabase =
    database.kind === 'postgres'
      ? await openDatabase({
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          maxConnections: config.databasePoolSize,
        })
      : database;
  try {
    const applied = await runMigrations(database);
    if (applied.length) logger.info({ applied }, 'database migrated');

    const downloadGuard = new SsrfGuard({
      allowedPrivateHosts: config.downloads.allowedPrivateHosts,
    });
    const webhookGuard = new SsrfGuard({ allowPrivate: config.webhooks.allowPrivateTargets });
    const fetchContext = {
      guard: downloadGuard,
      maxBytes: config.downloads.maxBytes,
      timeoutMs: config.downloads.timeoutMs,
    };
    const { instances, summary } = loadProviders(
      config.providers,
      { database, fetchContext, env: options.env ?? process.env, now },
      options.factories ?? providerFactories,
    );
    for (const line of summary) logger.info(line);
    logger.info(
      `provider chain: ${instances
        .list()
        .filter((instance) => instance.enabled)
        .map((instance) => instance.adapter.id)
        .join(' → ')}`,
    );

    let publicUrl = config.publicUrl?.replace(/\/+$/, '');
    let localUrl = `http://localhost:${config.port}`;
    const webhookSecret = await loadWebhookSecret(database, config.webhooks.secret, logger);
    const shutdown = new AbortController();
    // Every held request and provider call listens for shutdown; thousands at once are normal.
    setMaxListeners(0, shutdown.signal);
    const queue = new JobQueue({
      database,
      pollingIntervalSeconds: config.jobs.queuePollingIntervalSeconds,
      leaseSeconds: config.jobs.leaseSeconds,
      maintenanceIntervalSeconds: config.jobs.maintenanceIntervalSeconds,
      schema: options.queueSchema,
      webhookRetryLimit: config.webhooks.retryLimit,
      webhookRetryDelaySeconds: config.webhooks.retryDelaySeconds,
      onError: (error) =>
        logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'queue error',
        ),
    });
    const assets = new AssetStore(database, config.dataDir);
    const repository = new GenerationRepository(database);
    const apiRepository =
      apiDatabase === database ? repository : new GenerationRepository(apiDatabase);
    // New jobs are written through the API's pool (only the API creates jobs).
    const writer = new BatchedJobWriter(apiDatabase, apiRepository, queue);
    const events = new JobEvents(database);
    const controlPlane = new ControlPlane({
      database,
      instances,
      defaults: config.routing,
      reloadIntervalMs: config.routing.reloadIntervalSeconds * 1000,
      logger,
    });
    const alertGuard = new SsrfGuard({ allowPrivate: config.alerts.allowPrivateTargets });
    const alerts = new AlertSink({
      database,
      logger,
      webhookUrl: config.alerts.webhookUrl,
      guard: alertGuard,
      secret: () => webhookSecret,
      // Alerts are raised only once everything below exists.
      onAlert: (alert) => gatewayMetrics.alerts.inc({ type: alert.type }),
    });
    const health = new ProviderHealthService({
      instances,
      database,
      config: config.health,
      alerts,
      logger,
      now,
    });
    const gatewayMetrics = new GatewayMetrics({
      jobsByStatus: cachedFor(5000, async () => {
        const { rows } = await database.query<{ status: string; count: number }>(
          'SELECT status, count(*)::int AS count FROM generations GROUP BY status',
        );
        return Object.fromEntries(rows.map((row) => [row.status, row.count]));
      }),
      providers: () =>
        instances.list().map(({ adapter, enabled }) => ({
          provider: adapter.id,
          enabled,
          inFlight: health.stats(adapter.id).inFlight,
          circuit: health.circuit(adapter.id),
          creditsExhausted: health.credits.isExhausted(adapter.id),
        })),
    });
    controlPlane.onChange(() => gatewayMetrics.controlPlaneChanges.inc());
    const router = new Router(instances, {
      controlPlane,
      health,
      onDecision: (plan) =>
        gatewayMetrics.routingDecisions.inc({
          strategy: plan.strategy,
          provider: plan.candidates[0]?.providerId ?? 'none',
        }),
    });
    const analytics = new AnalyticsRecorder(database, {
      flushIntervalMs: config.analytics.flushIntervalMs,
      retentionDays: config.analytics.retentionDays,
      rollupBucketSeconds: config.analytics.rollupBucketSeconds,
      logger,
      now,
    });
    const observer = new CompositeJobObserver(
      [health, gatewayMetrics, new AnalyticsObserver(analytics)],
      (error) => logger.error({ error }, 'job observer failed'),
    );
    const images = new InputImageResolver(assets, fetchContext, () => publicUrl);
    const context: JobEngineContext = {
      database,
      repository,
      queue,
      writer,
      events,
      instances,
      router,
      assets,
      images,
      fetchContext,
      jobsConfig: config.jobs,
      logger,
      observer,
      shutdown: shutdown.signal,
      publicUrl: () => publicUrl,
      now,
    };
    const webhooks = new WebhookDispatcher(context, {
      guard: webhookGuard,
      secret: () => webhookSecret,
      timeoutMs: config.webhooks.timeoutMs,
      baseUrl: () => publicUrl ?? localUrl,
    });
    const engine = new JobEngine(context, webhooks);
    // The API's view of the engine context: its own pool; everything else (inline submission
    // included, which the engine sets later) read through from the engine's context.
    const apiContext: JobEngineContext = Object.assign(Object.create(context) as JobEngineContext, {
      database: apiDatabase,
      repository: apiRepository,
    });
    const jobs = new JobService(apiContext, webhookGuard);
    const rollouts = new RolloutService({
      store: new RolloutStore(database),
      controlPlane,
      instances,
      alerts,
      logger,
      defaults: config.rollouts.defaults,
    });
    const rolloutController = new RolloutController({
      database,
      service: rollouts,
      analytics,
      logger,
      tickMs: config.rollouts.tickSeconds * 1000,
      leaseMs: config.rollouts.leaseSeconds * 1000,
      now,
    });
    const providerAdmin = new ProviderAdmin(controlPlane, instances, logger);
    const app = await buildApp({
      config,
      logger,
      jobs,
      assets,
      instances,
      router,
      providerAdmin,
      inboundWebhooks: new InboundWebhookHandler(context, engine.completion),
      webhookSecret: () => webhookSecret,
      readiness: createReadinessProbe(
        database,
        () => engine.running || options.runWorkers === false,
      ),
      database,
      controlPlane,
      health,
      metrics: gatewayMetrics,
      alerts,
      analytics,
      rollouts,
      knownProviderTypes: (options.factories ?? providerFactories)
        .map((factory) => factory.type)
        .filter((type) => type !== 'simulator'),
    });

    await queue.start();
    await events.start();
    await controlPlane.start();
    health.start();
    analytics.start();
    if (options.runWorkers !== false) await engine.start();
    if (config.rollouts.enabled) rolloutController.start();

    let closed = false;
    return {
      config,
      app,
      database,
      jobs,
      engine,
      queue,
      instances,
      logger,
      context,
      controlPlane,
      health,
      analytics,
      metrics: gatewayMetrics,
      alerts,
      rollouts,
      rolloutController,
      async listen() {
        const address = await app.listen({ port: config.port, host: config.host });
        const port = new URL(address).port;
        localUrl = `http://localhost:${port}`;
        return `http://127.0.0.1:${port}`;
      },
      async close() {
        if (closed) return;
        closed = true;
        shutdown.abort();
        await rolloutController.stop();
        await engine.stop();
        // Held requests were answered by the abort above; give others a grace period, then cut
        // keep-alive sockets that Node does not consider idle (seen after streamed responses).
        const force = setTimeout(
          () => app.server.closeAllConnections(),
          options.shutdownGraceMs ?? 5000,
        );
        await app.close();
        clearTimeout(force);
        await queue.stop();
        health.stop();
        await analytics.stop();
        await controlPlane.stop();
        await events.stop();
        if (apiDatabase !== database) await apiDatabase.close();
        await database.close();
        publicUrl = undefined;
      },
    };
  } catch (error) {
    if (apiDatabase !== database) await apiDatabase.close();
    await database.close();
    throw error;
  }
}
