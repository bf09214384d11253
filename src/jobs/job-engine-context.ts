import type { Job } from '../core/job.js';
import type { AssetStore } from '../assets/asset-store.js';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { SafeFetchContext } from '../providers/kernel/safe-fetch-context.js';
import type { Router } from '../routing/router.js';
import type { Database } from '../store/database.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { InputImageResolver } from './input-image-resolver.js';
import type { JobEvents } from './job-events.js';
import type { CompositeJobObserver } from './composite-job-observer.js';
import type { JobQueue } from './job-queue.js';
import type { BatchedJobWriter } from './batched-job-writer.js';

/** Everything the job engine's roles share. Built once in `createGateway`. */
export interface JobEngineContext {
  database: Database;
  repository: GenerationRepository;
  queue: JobQueue;
  /** Stores new jobs with their submit messages, batching concurrent creations. */
  writer: BatchedJobWriter;
  events: JobEvents;
  instances: ProviderInstances;
  router: Router;
  assets: AssetStore;
  images: InputImageResolver;
  fetchContext: SafeFetchContext;
  jobsConfig: Config['jobs'];
  logger: Logger;
  observer: CompositeJobObserver;
  /**
   * Starts submitting a just-created job in this process at once (set while workers run). The
   * job's queue message is then only a delayed backstop.
   */
  inlineSubmit?: (job: Job) => void;
  /** Aborted at shutdown: in-flight provider calls stop waiting. */
  shutdown: AbortSignal;
  /** Public base URL for provider callbacks (inbound webhooks), when configured. */
  publicUrl: () => string | undefined;
  now: () => number;
}
