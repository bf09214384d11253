import { EventEmitter } from 'node:events';
import { isTerminal, type JobStatus } from '../core/job.js';
import type { Database, Queryable } from '../store/database.js';

const channel = 'switchyard_job_changed';
/** The emitter event every change is also sent on (job ids never take this form). */
const anyJob = Symbol('any job');

/** A job changed state. */
export interface JobChange {
  jobId: string;
  status: JobStatus;
}

/**
 * Job state changes, for `?wait=` and the OpenAI synchronous routes. Changes made in this
 * process are emitted at once; on PostgreSQL they are also NOTIFYed so that a request held by
 * another gateway instance wakes up too.
 */
export class JobEvents {
  private readonly emitter = new EventEmitter();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly database: Database) {
    // Thousands of concurrent waiters are normal under load.
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    if (this.database.kind !== 'postgres') return;
    this.unsubscribe = await this.database.listen(channel, (payload) => {
      const [jobId, status] = payload.split(':');
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
      await executor.query('SELECT pg_notify($1, $2)', [
        channel,
        `${change.jobId}:${change.status}`,
      ]);
    }
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
