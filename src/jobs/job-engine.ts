import type { Job } from '../core/job.js';
import type { Logger } from '../observability/logger.js';
import type { InlineSubmitter, PlannedSubmission } from './inline-submitter.js';
import { QueueName, type JobQueue, type SubmitMessage, type WebhookMessage } from './job-queue.js';
import type { JobSupervisor } from './job-supervisor.js';
import type { LocalPollChain } from './local-poll-chain.js';
import type { PollDispatcher } from './poll-dispatcher.js';
import type { PollWorker } from './poll-worker.js';
import type { SubmitWorker } from './submit-worker.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';

export interface JobEngineOptions {
  queue: JobQueue;
  submitWorker: SubmitWorker;
  pollWorker: PollWorker;
  /** Runs due polls from the attempt rows (ADR 0023). */
  pollDispatcher: PollDispatcher;
  webhooks: WebhookDispatcher;
  supervisor: JobSupervisor;
  /** Polls of jobs only this process may poll (a caller's key); stopped with the engine. */
  localPolls: LocalPollChain;
  /** Provider calls in flight at once for submissions (polls get twice as many). */
  workerConcurrency: number;
  maintenanceIntervalSeconds: number;
  logger: Logger;
}

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
 * The job engine's worker side: pulls submit and webhook messages from the queue, and due polls
 * from the attempt rows, and hands them to their workers. A message whose handler throws is retried by the queue. While it
 * runs it also takes jobs inline (see {@link InlineSubmitter}).
 */
export class JobEngine implements InlineSubmitter {
  readonly submitWorker: SubmitWorker;
  readonly pollWorker: PollWorker;
  readonly supervisor: JobSupervisor;
  private started = false;

  constructor(private readonly options: JobEngineOptions) {
    this.submitWorker = options.submitWorker;
    this.pollWorker = options.pollWorker;
    this.supervisor = options.supervisor;
  }

  get running(): boolean {
    return this.started;
  }

  get acceptsInline(): boolean {
    return this.started;
  }

  get inlineInFlight(): number {
    return this.submitWorker.inlineInFlight;
  }

  submitInline(job: Job, planned?: PlannedSubmission): boolean {
    if (!this.started) return false;
    this.submitWorker.processInline(job, planned).catch((error: unknown) => {
      // The delayed queue message will take the job over.
      this.options.logger.error(
        { jobId: job.id, error: error instanceof Error ? error.message : String(error) },
        'inline submission failed; the queue will retry',
      );
    });
    return true;
  }

  async start(): Promise<void> {
    const { queue, logger, webhooks } = this.options;
    const concurrency = this.options.workerConcurrency;
    const submitBatch = Math.max(1, Math.ceil(concurrency / 4));
    // Throwing from a batch handler would fail every message in it, so a message whose work
    // failed is failed on its own (and retried by the queue) while the rest complete. A pg-boss
    // worker fetches its next batch only when the whole batch is done, so several small-batch
    // workers per queue keep one slow provider call from holding up everything else.
    await queue.work<SubmitMessage>(
      QueueName.submit,
      { batchSize: submitBatch, workers: 4 },
      async (messages) => {
        // One read for the batch's jobs instead of one per message.
        const jobs = await this.submitWorker.prefetch(messages.map((message) => message.data));
        const failures = await runAll(messages, concurrency, (message) =>
          this.submitWorker.process(message.data, jobs.get(message.data.jobId)),
        );
        await this.retryLater(QueueName.submit, failures);
        // A full batch means more may be waiting: fetch again at once instead of sleeping.
        if (messages.length >= submitBatch) queue.notify(QueueName.submit);
      },
    );
    await this.options.pollDispatcher.start();
    await queue.work<WebhookMessage>(
      QueueName.webhook,
      { batchSize: 4, workers: 2 },
      async (messages) => {
        const failures = await runAll(messages, 8, (message) =>
          webhooks.deliver(message.data.jobId, message.retryCount, message.retryLimit),
        );
        await this.retryLater(QueueName.webhook, failures, 'debug');
      },
    );
    this.supervisor.start(this.options.maintenanceIntervalSeconds);
    this.started = true;
    logger.debug('job engine started');
  }

  async stop(): Promise<void> {
    this.started = false;
    this.supervisor.stop();
    this.options.localPolls.stop();
    await this.options.pollDispatcher.stop();
  }

  private async retryLater(
    queue: QueueName,
    failures: { item: { id: string }; error: unknown }[],
    level: 'error' | 'debug' = 'error',
  ): Promise<void> {
    let unrecorded: unknown;
    for (const { item, error } of failures) {
      this.options.logger[level](
        { queue, error: error instanceof Error ? error.message : String(error) },
        'queue message failed; will retry',
      );
      try {
        await this.options.queue.fail(queue, item.id, error);
      } catch (failError) {
        unrecorded ??= failError;
      }
    }
    // A failure the queue could not record must not be completed with its batch (its work would
    // be marked done, undone): failing the batch leaves every message to its lease instead, and
    // each is handled again, which every handler survives.
    if (unrecorded !== undefined) throw unrecorded;
  }
}
