import { JobCompletion } from './job-completion.js';
import type { JobEngineContext } from './job-engine-context.js';
import {
  QueueName,
  type PollMessage,
  type SubmitMessage,
  type WebhookMessage,
} from './job-queue.js';
import { JobSupervisor } from './job-supervisor.js';
import { PollWorker } from './poll-worker.js';
import { SubmitWorker } from './submit-worker.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';

/** Runs up to `limit` tasks at once and waits for all; one failure does not stop the others. */
async function runAll<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<{ item: T; error: unknown }[]> {
  const failures: { item: T; error: unknown }[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        failures.push({ item, error });
      }
    }
  });
  await Promise.all(lanes);
  return failures;
}

/**
 * The job engine's worker side: pulls submit, poll and webhook messages from the queue and
 * hands them to their workers. A message whose handler throws is retried by the queue.
 */
export class JobEngine {
  readonly completion: JobCompletion;
  readonly submitWorker: SubmitWorker;
  readonly pollWorker: PollWorker;
  readonly supervisor: JobSupervisor;
  private started = false;

  constructor(
    private readonly context: JobEngineContext,
    private readonly webhooks: WebhookDispatcher,
  ) {
    this.completion = new JobCompletion(context);
    this.submitWorker = new SubmitWorker(context, this.completion);
    this.pollWorker = new PollWorker(context, this.completion);
    this.supervisor = new JobSupervisor(context, this.pollWorker);
  }

  get running(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    const { queue, jobsConfig, logger } = this.context;
    const concurrency = jobsConfig.workerConcurrency;
    const submitBatch = Math.max(1, Math.ceil(concurrency / 4));
    const pollBatch = Math.max(1, Math.ceil(concurrency / 2));
    // Throwing from a batch handler would fail every message in it, so a message whose work
    // failed is failed on its own (and retried by the queue) while the rest complete. A pg-boss
    // worker fetches its next batch only when the whole batch is done, so several small-batch
    // workers per queue keep one slow provider call from holding up everything else.
    await queue.work<SubmitMessage>(
      QueueName.submit,
      { batchSize: submitBatch, workers: 4 },
      async (messages) => {
        const failures = await runAll(messages, concurrency, (message) =>
          this.submitWorker.process(message.data.jobId, message.data.round ?? 0),
        );
        await this.retryLater(QueueName.submit, failures);
        // A full batch means more may be waiting: fetch again at once instead of sleeping.
        if (messages.length >= submitBatch) queue.notify(QueueName.submit);
      },
    );
    await queue.work<PollMessage>(
      QueueName.poll,
      { batchSize: pollBatch, workers: 4 },
      async (messages) => {
        const failures = await runAll(messages, concurrency * 2, (message) =>
          this.pollWorker.process(message.data),
        );
        await this.retryLater(QueueName.poll, failures);
        if (messages.length >= pollBatch) queue.notify(QueueName.poll);
      },
    );
    await queue.work<WebhookMessage>(
      QueueName.webhook,
      { batchSize: 4, workers: 2 },
      async (messages) => {
        const failures = await runAll(messages, 8, (message) =>
          this.webhooks.deliver(message.data.jobId, message.retryCount, message.retryLimit),
        );
        await this.retryLater(QueueName.webhook, failures, 'debug');
      },
    );
    this.supervisor.start(jobsConfig.maintenanceIntervalSeconds);
    this.context.inlineSubmit = (job) => {
      const jobId = job.id;
      this.submitWorker.processJob(job).catch((error: unknown) => {
        // The delayed queue message will take the job over.
        logger.error(
          { jobId, error: error instanceof Error ? error.message : String(error) },
          'inline submission failed; the queue will retry',
        );
      });
    };
    this.started = true;
    logger.debug('job engine started');
  }

  async stop(): Promise<void> {
    this.started = false;
    this.context.inlineSubmit = undefined;
    this.supervisor.stop();
  }

  private async retryLater(
    queue: QueueName,
    failures: { item: { id: string }; error: unknown }[],
    level: 'error' | 'debug' = 'error',
  ): Promise<void> {
    for (const { item, error } of failures) {
      this.context.logger[level](
        { queue, error: error instanceof Error ? error.message : String(error) },
        'queue message failed; will retry',
      );
      await this.context.queue.fail(queue, item.id, error);
    }
  }
}
