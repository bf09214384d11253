import type { Config } from '../config/config-schema.js';
import type { JobObserver } from '../core/job-observer.js';
import type { FinishJobDependencies } from '../jobs/finish-job.js';
import { JobEvents } from '../jobs/job-events.js';
import { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../observability/logger.js';
import type { StoreLayer } from './compose-store.js';

/** Durable work and job state changes, both on the workers' pool. */
export interface QueueLayer {
  queue: JobQueue;
  events: JobEvents;
  /** What ending a job touches (store, queue, events, observers), on the workers' pool. */
  finishing: FinishJobDependencies;
}

export function composeQueue(
  config: Config,
  store: StoreLayer,
  options: {
    schema?: string;
    observer: Required<JobObserver>;
    logger: Logger;
    now: () => number;
  },
): QueueLayer {
  const { database, repository } = store;
  const { observer, logger, now } = options;
  const queue = new JobQueue({
    database,
    pollingIntervalSeconds: config.jobs.queuePollingIntervalSeconds,
    leaseSeconds: config.jobs.leaseSeconds,
    maintenanceIntervalSeconds: config.jobs.maintenanceIntervalSeconds,
    schema: options.schema,
    webhookRetryLimit: config.webhooks.retryLimit,
    webhookRetryDelaySeconds: config.webhooks.retryDelaySeconds,
    onError: (error) =>
      logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        'queue error',
      ),
  });
  const events = new JobEvents(database);
  return {
    queue,
    events,
    finishing: { database, repository, queue, events, observer, logger, now },
  };
}
