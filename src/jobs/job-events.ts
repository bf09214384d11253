import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isTerminal, type Job, type JobStatus } from '../core/job.js';
import type { Database, Queryable } from '../store/database.js';
import { OutputHandoff } from './output-handoff.js';

/** The emitter event every change is also sent on (job ids never take this form). */
const anyJob = Symbol('any job');

/** A job changed state. */
export interface JobChange {
  jobId: string;
  status: JobStatus;
  /**
   * The job as this process just stored it (local changes only, when the writer had it at hand):
   * a waiter answers with it instead of reading the job back.
   */
  job?: Job;
}

const jobChangedChannel = 'switchyard_job_changed';

/**
 * Job state changes, for `?wait=` and the OpenAI synchronous routes. Changes made in this
 * process are emitted at once; on PostgreSQL they are also NOTIFYed so that a request held by
 * another gateway instance wakes up too.
 */
export class JobEvents {
  private readonly emitter = new EventEmitter();
  private unsubscribe: (() => Promise<void>) | undefined;
  /**
   * Names this process in its NOTIFY payloads: its own notifications come back to its LISTEN
   * connection, sometimes before the writer's commit returns, and would wake waiters without
   * the job in hand (a read-back each); the writer's `emitLocal` wakes them instead.
   */
  private readonly origin = randomUUID();
  /** Output bytes of jobs whose waiter here asked for them, handed over from the completion. */
  readonly outputBytes = new OutputHandoff();

  constructor(private readonly database: Database) {
    // Thousands of concurrent waiters are normal under load.
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    if (this.database.kind !== 'postgres') return;
    this.unsubscribe = await this.database.listen(jobChangedChannel, (payload) => {
      // `id:status:origin`; instances before the origin was added send `id:status`.
      const [jobId, status, origin] = payload.split(':');
      if (origin === this.origin) return;
      if (jobId && status) this.emitAll({ jobId, status: status as JobStatus });
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }

  /**
   * Announces a change. Pass the transaction that made it so the NOTIFY is delivered only on
   * commit; the local emit should happen after commit (call `emitLocal`).
   */
  async publish(change: JobChange, executor: Queryable = this.database): Promise<void> {
    // Only terminal states wake waiters in other instances; a NOTIFY serialises its commit, so
    // intermediate states are announced in this process only.
    if (this.database.kind === 'postgres' && isTerminal(change.status)) {
      const notification = this.notification(change.status)!;
      await executor.query('SELECT pg_notify($1, $2)', [
        notification.channel,
        `${change.jobId}${notification.payloadSuffix}`,
      ]);
    }
  }

  /**
   * How a writer NOTIFYs a change in its own statement: the channel, and what follows the job id
   * in the payload; undefined where nobody listens (PGlite is one process).
   */
  notification(status: JobStatus): { channel: string; payloadSuffix: string } | undefined {
    if (this.database.kind !== 'postgres') return undefined;
    return { channel: jobChangedChannel, payloadSuffix: `:${status}:${this.origin}` };
  }

  /** Wakes waiters in this process. */
  emitLocal(change: JobChange): void {
    this.emitAll(change);
  }

  private emitAll(change: JobChange): void {
    this.emitter.emit(change.jobId, change);
    this.emitter.emit(anyJob, change);
  }

  /** Calls `listener` on every job's changes (the dashboard's live stream) until unsubscribed. */
  subscribeAll(listener: (change: JobChange) => void): () => void {
    this.emitter.on(anyJob, listener);
    return () => this.emitter.off(anyJob, listener);
  }

  /** Calls `listener` on each change of one job until the returned function is called. */
  subscribe(jobId: string, listener: (change: JobChange) => void): () => void {
    this.emitter.on(jobId, listener);
    return () => this.emitter.off(jobId, listener);
  }
}
