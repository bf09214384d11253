import { z } from 'zod';
import PgBoss from 'pg-boss';
import type { Database, Queryable } from '../store/database.js';
import { GroupCommit } from '../store/group-commit.js';
import {
  adoptQueuedPolls,
  retryPoll,
  schedulePolls,
  type DuePoll,
  type PollDueTime,
} from '../store/repositories/poll-schedule.js';
import { settleAcknowledgements } from './queue-acknowledgements.js';

/** Queue names; one per kind of durable work. */
export const QueueName = {
  /** Route and submit a queued job to a provider. */
  submit: 'generation-submit',
  /**
   * Where polls were queued before ADR 0023 (they are on the attempt rows now); messages still
   * there, from an older version or instance, are moved onto the rows.
   */
  poll: 'generation-poll',
  /** POST a finished job to the client's webhook URL. */
  webhook: 'webhook-deliver',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export interface SubmitMessage {
  jobId: string;
  /** Retry round when every candidate failed with retryable errors (0 first). */
  round?: number;
  /**
   * Set on the delayed message kept behind an inline submission: it takes the job over only
   * once that submission can no longer be running.
   */
  backstop?: boolean;
}
/** One poll of an accepted attempt; kept on the attempt's row, not in pg-boss (ADR 0023). */
export type PollMessage = DuePoll;
export interface WebhookMessage {
  jobId: string;
}

export interface JobQueueOptions {
  database: Database;
  /** Idle workers look for work this often (new work in this process is picked up at once). */
  pollingIntervalSeconds: number;
  /** A claimed job not completed in this time is released to another worker. */
  leaseSeconds: number;
  /** How often pg-boss releases expired leases and archives. */
  maintenanceIntervalSeconds: number;
  /** pg-boss schema name (tests isolate with their own). */
  schema?: string;
  webhookRetryLimit: number;
  webhookRetryDelaySeconds: number;
  onError: (error: unknown) => void;
}

/**
 * An open transaction that can also send messages: they commit or roll back with it, and the
 * workers they are for are woken once it committed (a wake-up before the commit would find
 * nothing to fetch, and the workers would then sleep a whole polling interval).
 */
export interface QueueTransaction extends Queryable {
  sendSubmit(message: SubmitMessage): Promise<void>;
  /** One statement for many jobs (batched job creation, swept backstops). */
  sendSubmits(messages: readonly SubmitMessage[]): Promise<void>;
  sendWebhook(message: WebhookMessage): Promise<void>;
  /** Polls of many attempts in one statement (batched acceptances). */
  sendPolls(polls: readonly ScheduledPoll[]): Promise<void>;
}

/** A poll message and how long from now it becomes due. */
export interface ScheduledPoll {
  message: PollMessage;
  startAfterMs: number;
}

/** A poll due this soon also wakes this process's poll workers when it becomes due. */
const wakeForPollsWithinMs = 10_000;
/** Workers after a queue's first look for work on their own this many times less often. */
const idleWorkerIntervalFactor = 4;
/** Polls coming due within one slot of this length share one wake-up of the poll workers. */
const pollWakeSlotMs = 25;

const CommandResponseSchema = z.object({ affected: z.number() });

type Handler<Message> = (
  messages: { id: string; data: Message; retryCount: number; retryLimit: number }[],
) => Promise<void>;

/**
 * The durable work queue, on pg-boss over the gateway's own database (PostgreSQL, or PGlite
 * in-process). Messages are sent inside the same transaction as the job row they belong to,
 * so a job is never stored without its work or vice versa. Claims are leases: a worker that
 * dies leaves its message to be retried after `leaseSeconds`.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly workerIds = new Map<string, string[]>();
  private readonly pendingNotifications = new Set<QueueName>();
  private readonly notifyTurns = new Map<QueueName, number>();
  /** Time slots (`pollWakeSlotMs` each, since the epoch) with a poll wake-up scheduled. */
  private readonly pollWakeSlots = new Set<number>();
  /** Polls sent outside a transaction, shared between the pollers that send at once. */
  private readonly pollSends: GroupCommit<ScheduledPoll, undefined>;
  private readonly pollListeners: (() => void)[] = [];
  private readonly schema: string;

  constructor(private readonly options: JobQueueOptions) {
    const { database } = options;
    const schema = options.schema ?? 'pgboss';
    this.schema = schema;
    const executeSql = settleAcknowledgements(
      schema,
      (text: string, values?: unknown[]) =>
        values && values.length > 0 ? database.query(text, values) : database.script(text),
      (error) => options.onError(error),
    );
    this.boss = new PgBoss({
      db: { executeSql },
      schema,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
    } as PgBoss.ConstructorOptions);
    this.boss.on('error', (error) => options.onError(error));
    this.pollSends = new GroupCommit(async (polls) => {
      await schedulePolls(database, dueTimes(polls));
      return polls.map(() => undefined);
    });
  }

  async start(): Promise<void> {
    await this.boss.start();
    const lease = this.options.leaseSeconds;
    await this.boss.createQueue(QueueName.submit, {
      name: QueueName.submit,
      policy: 'standard',
      retryLimit: 1000,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: lease,
    });
    await this.boss.createQueue(QueueName.webhook, {
      name: QueueName.webhook,
      policy: 'standard',
      retryLimit: this.options.webhookRetryLimit,
      retryDelay: this.options.webhookRetryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: 120,
      retentionMinutes: 60 * 24 * 7,
    });
  }

  /** Enqueues a submission for later (a retry round); in a transaction, use `transaction()`. */
  async sendSubmit(message: SubmitMessage, options: { startAfterMs?: number } = {}): Promise<void> {
    await this.send(QueueName.submit, message, undefined, options.startAfterMs);
  }

  /** Enqueues submissions for many jobs in one statement (batched job creation). */
  private async sendSubmits(
    messages: readonly SubmitMessage[],
    executor: Queryable,
  ): Promise<void> {
    if (messages.length === 0) return;
    await this.boss.insert(
      messages.map((message) => ({ name: QueueName.submit, data: message })),
      {
        db: { executeSql: (text: string, values: unknown[]) => executor.query(text, values) },
      } as PgBoss.InsertOptions,
    );
  }

  /** Sets the next poll of an attempt (in the caller's transaction when given). */
  async sendPoll(
    message: PollMessage,
    options: { executor?: Queryable; startAfterMs?: number } = {},
  ): Promise<void> {
    const startAfterMs = options.startAfterMs ?? 0;
    // Alone, one statement per poll (its own commit): many pollers answered at once share one.
    if (options.executor)
      await schedulePolls(options.executor, dueTimes([{ message, startAfterMs }]));
    else await this.pollSends.submit({ message, startAfterMs });
    this.pollsScheduled([startAfterMs]);
  }

  /** Makes a claimed poll whose handling failed due again in `delayMs` (ADR 0023). */
  async retryPoll(message: PollMessage, delayMs: number): Promise<void> {
    await retryPoll(this.options.database, message, new Date(Date.now() + delayMs));
    this.wakeForPoll(delayMs);
  }

  /** Calls `listener` whenever polls scheduled by this process come due (the poll dispatcher). */
  onPollsDue(listener: () => void): void {
    this.pollListeners.push(listener);
  }

  /** Wakes this process's poll dispatcher when polls it just committed come due. */
  pollsScheduled(startAfterMs: readonly number[]): void {
    for (const delay of startAfterMs) this.wakeForPoll(delay);
  }

  /** Moves poll messages an older version left in pg-boss onto their attempts (ADR 0023). */
  async adoptQueuedPolls(): Promise<number> {
    const adopted = await adoptQueuedPolls(this.options.database, this.schema);
    if (adopted > 0) this.wakeForPoll(0);
    return adopted;
  }

  /**
   * The idle dispatcher looks for due polls only every polling interval (≥ 0.5 s); waking it
   * when a poll becomes due keeps short provider latencies from being rounded up. The due time
   * on the row alone is still enough if this process dies.
   */
  private wakeForPoll(startAfterMs: number): void {
    if (startAfterMs >= wakeForPollsWithinMs) return;
    // One wake-up per time slot, not one per poll: polls of jobs created at a thousand a second
    // come due every millisecond, and a wake-up per poll was a fetch query per poll or two.
    // Waiting for the end of the slot lets one fetch take every poll that came due in it.
    const slot = Math.ceil((Date.now() + startAfterMs + 5) / pollWakeSlotMs);
    if (this.pollWakeSlots.has(slot)) return;
    this.pollWakeSlots.add(slot);
    setTimeout(
      () => {
        this.pollWakeSlots.delete(slot);
        for (const listener of this.pollListeners) listener();
      },
      Math.max(0, slot * pollWakeSlotMs - Date.now()),
    ).unref();
  }

  /**
   * Runs `work` in a transaction of `database` (the caller's pool) in which messages can be
   * sent; wakes this process's workers for them after the commit.
   */
  async transaction<T>(
    database: Database,
    work: (transaction: QueueTransaction) => Promise<T>,
  ): Promise<T> {
    const woken = new Set<QueueName>();
    const polls: number[] = [];
    const result = await database.transaction((executor) =>
      work({
        query: executor.query.bind(executor),
        sendSubmit: async (message) => {
          await this.send(QueueName.submit, message, executor);
          woken.add(QueueName.submit);
        },
        sendSubmits: async (messages) => {
          await this.sendSubmits(messages, executor);
          if (messages.length) woken.add(QueueName.submit);
        },
        sendWebhook: async (message) => {
          await this.send(QueueName.webhook, message, executor);
          woken.add(QueueName.webhook);
        },
        sendPolls: async (scheduled) => {
          await schedulePolls(executor, dueTimes(scheduled));
          polls.push(...scheduled.map((poll) => poll.startAfterMs));
        },
      }),
    );
    for (const name of woken) this.notify(name);
    this.pollsScheduled(polls);
    return result;
  }

  /** Starts `count` workers on a queue, each claiming up to `batchSize` messages at a time. */
  async work<Message extends object>(
    name: QueueName,
    options: { batchSize: number; workers: number },
    handler: Handler<Message>,
  ): Promise<void> {
    const ids: string[] = [];
    for (let index = 0; index < options.workers; index++) {
      const id = await this.boss.work<Message>(
        name,
        {
          batchSize: options.batchSize,
          includeMetadata: true,
          // Only the first worker looks for work at the configured interval; the others are
          // woken by new work here and by full batches (`notify`), and look on their own only a
          // quarter as often. Every idle worker polling at the interval was ten fetch queries
          // a second with nothing to do.
          pollingIntervalSeconds:
            index === 0
              ? this.options.pollingIntervalSeconds
              : this.options.pollingIntervalSeconds * idleWorkerIntervalFactor,
        },
        async (jobs) => {
          await handler(
            jobs.map((job) => ({
              id: job.id,
              data: job.data,
              retryCount: job.retryCount,
              retryLimit: job.retryLimit,
            })),
          );
        },
      );
      ids.push(id);
    }
    this.workerIds.set(name, ids);
  }

  /**
   * Fails one claimed message so the queue retries it (with backoff) while its batch completes.
   * Throws when the failure was not recorded (the database is away): the caller must then fail
   * the whole batch rather than let pg-boss complete it, or the message would be marked done
   * with its work undone. Unlike pg-boss's own acknowledgements, this one is awaited, so it goes
   * straight to the database, not through `settleAcknowledgements`.
   */
  async fail(name: QueueName, id: string, error: unknown): Promise<void> {
    const { database } = this.options;
    // Typed as void; pg-boss 10 answers `{ jobs, requested, affected }`.
    const result: unknown = await this.boss.fail(
      name,
      id,
      { message: error instanceof Error ? error.message : String(error) },
      {
        db: { executeSql: (text: string, values: unknown[]) => database.query(text, values) },
      } as PgBoss.ConnectionOptions,
    );
    if (CommandResponseSchema.parse(result).affected === 0)
      throw new Error(`queue message ${id} could not be failed (no longer active)`);
  }

  /** Wakes this process's idle workers for a queue (work was just added here). */
  notify(name: QueueName): void {
    // Coalesced: a burst of new work wakes the workers once per event-loop turn, not once per
    // message (each wake-up is a fetch query per worker).
    if (this.pendingNotifications.has(name)) return;
    this.pendingNotifications.add(name);
    setImmediate(() => {
      this.pendingNotifications.delete(name);
      // One worker per wake-up, in turn: each woken worker runs a fetch query, and one fetch
      // takes a whole batch.
      const ids = this.workerIds.get(name) ?? [];
      if (ids.length === 0) return;
      const turn = (this.notifyTurns.get(name) ?? 0) % ids.length;
      this.notifyTurns.set(name, turn + 1);
      this.boss.notifyWorker(ids[turn]!);
    });
  }

  /** Stops claiming work; messages in progress are released for retry. */
  async stop(options: { graceful?: boolean; timeoutMs?: number } = {}): Promise<void> {
    await this.boss.stop({
      graceful: options.graceful ?? true,
      timeout: options.timeoutMs ?? 10_000,
      close: false,
      wait: true,
    });
  }

  private async send(
    name: QueueName,
    data: object,
    executor?: Queryable,
    startAfterMs?: number,
    singletonKey?: string,
  ): Promise<void> {
    const options: PgBoss.SendOptions & {
      db?: { executeSql: (text: string, values: unknown[]) => Promise<unknown> };
    } = {};
    if (executor) options.db = { executeSql: (text, values) => executor.query(text, values) };
    if (startAfterMs && startAfterMs > 0) options.startAfter = new Date(Date.now() + startAfterMs);
    if (singletonKey) options.singletonKey = singletonKey;
    await this.boss.send(name, data, options);
  }
}

/** Due times of polls scheduled `startAfterMs` from now (the gateway's clock). */
function dueTimes(polls: readonly ScheduledPoll[]): PollDueTime[] {
  const now = Date.now();
  return polls.map(({ message, startAfterMs }) => ({
    poll: message,
    dueAt: new Date(now + Math.max(0, startAfterMs)),
  }));
}
