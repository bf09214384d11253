import type { Config } from '../config/config-schema.js';
import { BatchedJobWriter } from '../jobs/batched-job-writer.js';
import { InboundWebhookHandler } from '../jobs/inbound-webhook-handler.js';
import { JobService } from '../jobs/job-service.js';
import { PromptEnhancer } from '../jobs/prompt-enhancer.js';
import { WaitAdmission } from '../jobs/wait-admission.js';
import { defaultStylePresets } from '../core/style-preset.js';
import type { ProvidersLayer } from './compose-providers.js';
import type { RoutingLayer } from './compose-routing.js';
import type { StoreLayer } from './compose-store.js';
import type { JobsLayer } from './compose-jobs.js';
import type { QuotaLayer } from './compose-quota.js';
import type { JobCopier } from '../core/job-copier.js';

/** The job roles HTTP calls. */
export interface JobApiLayer {
  /** Creates, reads, cancels and waits for jobs. */
  jobs: JobService;
  /** Provider callbacks, applied through the workers' completion path. */
  inboundWebhooks: InboundWebhookHandler;
}

/**
 * The API side of jobs: new jobs are written, read and canceled through the API's own pool
 * (see `StoreLayer.apiDatabase`); provider callbacks go the workers' way.
 */
export function composeJobApi(
  config: Config,
  layers: {
    store: StoreLayer;
    providers: ProvidersLayer;
    routing: RoutingLayer;
    jobs: JobsLayer;
    quota: QuotaLayer;
  },
  shutdown: AbortSignal,
  copier?: JobCopier,
): JobApiLayer {
  const { store, providers, routing, jobs } = layers;
  const { instances } = providers;
  const service = new JobService({
    ...jobs.finishing,
    database: store.apiDatabase,
    repository: store.apiRepository,
    writer: new BatchedJobWriter(store.apiDatabase, store.apiRepository, jobs.queue, {
      concurrencyRetryAfterMs: config.rateLimits.concurrencyRetryAfterSeconds * 1000,
      quota: layers.quota.reserver,
    }),
    inline: jobs.engine,
    callerKeys: jobs.callerKeys,
    copier,
    diskFloor: store.diskFloor,
    router: routing.router,
    instances,
    images: jobs.images,
    webhookGuard: jobs.webhookGuard,
    limits: config.jobs,
    shutdown,
    stylePresets: { ...defaultStylePresets, ...config.stylePresets },
    enhancer: new PromptEnhancer({
      instances,
      settings: config.promptEnhancement,
      shutdown,
      logger: jobs.finishing.logger,
    }),
    admission: new WaitAdmission({
      ...config.admission,
      inlineInFlight: () => jobs.engine.inlineInFlight,
      retryAfterMs: config.admission.retryAfterSeconds * 1000,
    }),
  });
  const inboundWebhooks = new InboundWebhookHandler({
    instances,
    repository: store.repository,
    completion: jobs.completion,
    pollWorker: jobs.pollWorker,
    logger: jobs.finishing.logger,
  });
  return { jobs: service, inboundWebhooks };
}
