import { isTerminal, type Job, type JobError } from '../core/job.js';
import type { JobEvents } from './job-events.js';

/** The error of a job whose caller's key this process does not hold. */
export const requestKeyUnavailable: JobError = {
  code: 'request_key_unavailable',
  message:
    "The job runs on the caller's own provider key, which only the gateway process that accepted the request holds (in memory, never stored); that process is not the one handling the job now (it stopped or restarted), so the job was ended rather than run on the operator's key.",
};

interface VaultEntry {
  apiKey: string;
  expiresAt: number;
  /** Stops listening for the job's end. */
  unsubscribe: () => void;
}

/**
 * Process-local keys of jobs that run on the caller's own provider key (S1's `api_key`, see
 * docs/adr/0009-caller-keys-in-process-memory.md). Never written anywhere: a key lives in this
 * map, keyed by job id, until its job ends or its time-to-live (the job's deadline plus a
 * margin) passes, whichever comes first. The job itself only records that it has one
 * (`request.callerKey`), so every other process knows it must not run it on the operator's key.
 */
export class CallerKeyVault {
  private readonly entries = new Map<string, VaultEntry>();

  constructor(
    private readonly events: Pick<JobEvents, 'subscribe'>,
    private readonly now: () => number,
  ) {}

  /** Holds `apiKey` for `jobId` until `expiresAt` (epoch ms) or the job's end in this process. */
  put(jobId: string, apiKey: string, expiresAt: number): void {
    this.sweep();
    this.delete(jobId);
    const unsubscribe = this.events.subscribe(jobId, (change) => {
      if (isTerminal(change.status)) this.delete(jobId);
    });
    this.entries.set(jobId, { apiKey, expiresAt, unsubscribe });
  }

  /** The key of `jobId`, when this process holds it and it has not expired. */
  get(jobId: string): string | undefined {
    const entry = this.entries.get(jobId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(jobId);
      return undefined;
    }
    return entry.apiKey;
  }

  /**
   * The key to call the provider with for `job`: undefined for a job on the operator's key;
   * null for a job on a caller's key this process does not hold (the job must end
   * `request_key_unavailable`).
   */
  keyFor(job: Pick<Job, 'id' | 'request'>): string | undefined | null {
    if (!job.request.callerKey) return undefined;
    return this.get(job.id) ?? null;
  }

  /** Forgets the key of `jobId`. */
  delete(jobId: string): void {
    this.entries.get(jobId)?.unsubscribe();
    this.entries.delete(jobId);
  }

  /** Forgets every key (what a restart does). */
  clear(): void {
    for (const jobId of [...this.entries.keys()]) this.delete(jobId);
  }

  /** Keys held now. */
  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [jobId, entry] of [...this.entries]) if (entry.expiresAt <= now) this.delete(jobId);
  }
}
