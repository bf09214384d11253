import type { Config } from '../config/config-schema.js';
import { BatchedSuccessWriter } from '../jobs/batched-success-writer.js';
import { InputImageResolver } from '../jobs/input-image-resolver.js';
import { JobCompletion } from '../jobs/job-completion.js';
import { JobEngine } from '../jobs/job-engine.js';
import { JobSupervisor } from '../jobs/job-supervisor.js';
import { PollWorker } from '../jobs/poll-worker.js';
import { SubmitWorker } from '../jobs/submit-worker.js';
import { WebhookDispatcher } from '../jobs/webhook-dispatcher.js';
import type { Logger } from '../observability/logger.js';
import { SsrfGuard } from '../security/ssrf-guard.js';
import { LedgerRepository } from '../store/repositories/ledger-repository.js';
import type { GatewayUrls } from './gateway-urls.js';
import type { QueueLayer } from './compose-queue.js';
import type { ProvidersLayer } from './compose-providers.js';
import type { RoutingLayer } from './compose-routing.js';
import type { StoreLayer } from './compose-store.js';

/** The worker side of jobs. */
export interface JobsLayer extends QueueLayer {
  /** The one path by which polls, provider webhooks and synchronous answers finish jobs. */
  completion: JobCompletion;
  engine: JobEngine;
  images: InputImageResolver;
  /** Keeps client webhook URLs off private networks unless configured otherwise. */
  webhookGuard: SsrfGuard;
  /** Polls one attempt now (provider callbacks that must be confirmed). */
  pollWorker: PollWorker;
}

/** The job engine's worker roles, each given what it uses. */
export function composeJobs(
  config: Config,
  layers: {
    store: StoreLayer;
    providers: ProvidersLayer;
    routing: RoutingLayer;
    queue: QueueLayer;
  },
  runtime: { urls: GatewayUrls; shutdown: AbortSignal; logger: Logger; now: () => number },
): JobsLayer {
  const { store, providers, routing } = layers;
  const { queue, finishing } = layers.queue;
  const { urls, shutdown, logger, now } = runtime;
  const { instances, fetchContext, inputFetchContext } = providers;
  const { repository, assets } = store;
  const { publicUrl } = urls;
  const images = new InputImageResolver(assets, inputFetchContext, publicUrl);
  const completion = new JobCompletion({
    ...finishing,
    instances,
    assets,
    fetchContext,
    polling: config.jobs,
    publicUrl,
    shutdown,
    successWriter: new BatchedSuccessWriter({
      database: finishing.database,
      queue,
      events: finishing.events,
    }),
  });
  const submitWorker = new SubmitWorker({
    ...finishing,
    router: routing.router,
    instances,
    images,
    completion,
    limits: config.jobs,
    publicUrl,
    shutdown,
  });
  const pollWorker = new PollWorker({
    ...finishing,
    instances,
    completion,
    providerCallTimeoutMs: config.jobs.providerCallTimeoutMs,
    shutdown,
  });
  const webhookGuard = new SsrfGuard({ allowPrivate: config.webhooks.allowPrivateTargets });
  const engine = new JobEngine({
    queue,
    submitWorker,
    pollWorker,
    webhooks: new WebhookDispatcher({
      repository,
      logger,
      now,
      guard: webhookGuard,
      secret: () => store.webhookSecret,
      timeoutMs: config.webhooks.timeoutMs,
      baseUrl: urls.baseUrl,
    }),
    supervisor: new JobSupervisor({
      repository,
      pollWorker,
      logger,
      now,
      ledger: new LedgerRepository(store.database),
    }),
    workerConcurrency: config.jobs.workerConcurrency,
    maintenanceIntervalSeconds: config.jobs.maintenanceIntervalSeconds,
    logger,
  });
  return { ...layers.queue, completion, engine, images, webhookGuard, pollWorker };
}
