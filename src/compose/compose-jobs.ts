import type { Config } from '../config/config-schema.js';
import { BatchedAcceptanceWriter } from '../jobs/batched-acceptance-writer.js';
import { BatchedSuccessWriter } from '../jobs/batched-success-writer.js';
import { CallerKeyVault } from '../jobs/caller-key-vault.js';
import { InputImageResolver } from '../jobs/input-image-resolver.js';
import { JobCompletion } from '../jobs/job-completion.js';
import { JobEngine } from '../jobs/job-engine.js';
import { JobSupervisor } from '../jobs/job-supervisor.js';
import { LocalPollChain } from '../jobs/local-poll-chain.js';
import { queueDueBackstops } from '../jobs/queue-due-backstops.js';
import { PollDispatcher } from '../jobs/poll-dispatcher.js';
import { PollWorker } from '../jobs/poll-worker.js';
import { RetentionSweeper } from '../jobs/retention-sweeper.js';
import { SubmitWorker } from '../jobs/submit-worker.js';
import { WebhookDispatcher } from '../jobs/webhook-dispatcher.js';
import type { Logger } from '../observability/logger.js';
import { SsrfGuard, type HostResolver } from '../security/ssrf-guard.js';
import { ControllerLease } from '../store/controller-lease.js';
import { LedgerRepository } from '../store/repositories/ledger-repository.js';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
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
  /** Callers' own provider keys, in this process's memory only (ADR 0009). */
  callerKeys: CallerKeyVault;
  /** Deletes expired assets and jobs (`storage.retention`), one instance at a time. */
  retention: RetentionSweeper;
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
  runtime: {
    urls: GatewayUrls;
    shutdown: AbortSignal;
    logger: Logger;
    now: () => number;
    /** DNS for client webhook targets (tests answer with chosen addresses). */
    resolveHost?: HostResolver;
  },
): JobsLayer {
  const { store, providers, routing } = layers;
  const { queue, finishing } = layers.queue;
  const { urls, shutdown, logger, now } = runtime;
  const { instances, fetchContext, inputFetchContext } = providers;
  const { repository, assets } = store;
  const { publicUrl } = urls;
  const images = new InputImageResolver(assets, inputFetchContext, publicUrl);
  const callerKeys = new CallerKeyVault(layers.queue.finishing.events, now);
  // Jobs on a caller's key are polled here only; the worker is created below.
  const localPolls: LocalPollChain = new LocalPollChain(
    (message): Promise<void> => pollWorker.process(message),
    logger,
  );
  const completion = new JobCompletion({
    ...finishing,
    instances,
    assets,
    fetchContext,
    polling: config.jobs,
    publicUrl,
    shutdown,
    callerKeys,
    localPolls,
    storageRetryWindowMs: config.storage.outputRetryWindowSeconds * 1000,
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
    callerKeys,
    offerings: routing.offerings,
    writer: new BatchedAcceptanceWriter({ database: finishing.database, queue }),
  });
  const pollWorker: PollWorker = new PollWorker({
    ...finishing,
    instances,
    completion,
    providerCallTimeoutMs: config.jobs.providerCallTimeoutMs,
    shutdown,
    callerKeys,
    storageHealth: () => assets.health(),
  });
  const webhookGuard = new SsrfGuard({
    allowPrivate: config.webhooks.allowPrivateTargets,
    resolver: runtime.resolveHost,
  });
  const engine = new JobEngine({
    queue,
    submitWorker,
    pollWorker,
    pollDispatcher: new PollDispatcher({
      database: finishing.database,
      queue,
      pollWorker,
      concurrency: config.jobs.workerConcurrency * 2,
      maxBatch: Math.max(1, config.jobs.workerConcurrency),
      pollingIntervalMs: config.jobs.queuePollingIntervalSeconds * 1000,
      leaseMs: config.jobs.leaseSeconds * 1000,
      logger,
    }),
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
      queueDueBackstops: (at) => queueDueBackstops(queue, store.database, at),
    }),
    localPolls,
    workerConcurrency: config.jobs.workerConcurrency,
    maintenanceIntervalSeconds: config.jobs.maintenanceIntervalSeconds,
    logger,
  });
  const retention = new RetentionSweeper({
    database: store.database,
    assets,
    retention: config.storage.retention,
    lease: new ControllerLease(
      store.database,
      'retention-sweeper',
      `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    ),
    logger,
    now,
  });
  return {
    ...layers.queue,
    completion,
    engine,
    images,
    webhookGuard,
    pollWorker,
    callerKeys,
    retention,
  };
}
