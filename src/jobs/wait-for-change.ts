import { NotFoundError } from '../core/errors/index.js';
import type { Job, JobStatus } from '../core/job.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { JobEvents } from './job-events.js';

/** How often a held wait reads the job's status, should its notification be missed. */
const backstopIntervalMs = 2000;

export interface WaitForChange {
  id: string;
  timeoutMs: number;
  /** The states that end the wait. */
  until: (status: JobStatus) => boolean;
  /** The job `create` just stored for this caller: its state is known, not read again. */
  created: Job | undefined;
  events: Pick<JobEvents, 'subscribe'>;
  repository: Pick<GenerationRepository, 'status'>;
  /** Aborted at shutdown: the wait answers with the job as it is, so the server can close. */
  shutdown: AbortSignal;
  /** Gives back the wait's admission slot (called once, however the wait ends). */
  leave: () => void;
  /** Reads the whole job, once, when the wait ends without one at hand. */
  read: () => Promise<Job>;
}

/**
 * Holds a request until the job reaches a state `until` accepts, or `timeoutMs` passes, and
 * answers with the job as it is then (`JobService.wait`). It listens for the job's changes
 * before its first status read, so a change in between cannot be missed, and reads the status
 * again every 2 s should a notification be lost.
 */
export function waitForChange(wait: WaitForChange): Promise<Job> {
  const { id, until, created, events, repository, shutdown } = wait;
  return new Promise<Job>((resolve, reject) => {
    let settled = false;
    const cleanUp = () => {
      wait.leave();
      unsubscribe();
      shutdown.removeEventListener('abort', onTimeout);
      clearTimeout(deadline);
      clearInterval(backstop);
    };
    /** Ends the wait with `job`, or with a fresh read when none is at hand. */
    const settle = (job?: Job) => {
      if (settled) return;
      settled = true;
      cleanUp();
      if (job) resolve(job);
      else wait.read().then(resolve, reject);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanUp();
      reject(error);
    };
    const onTimeout = () => settle();
    const unsubscribe = events.subscribe(id, (change) => {
      // A change made in this process may carry the job as stored: no read-back then.
      if (until(change.status)) settle(change.job);
    });
    const deadline = setTimeout(onTimeout, wait.timeoutMs);
    shutdown.addEventListener('abort', onTimeout, { once: true });
    const backstop = setInterval(() => {
      repository.status(id).then(
        (status) => status && until(status) && settle(),
        () => undefined,
      );
    }, backstopIntervalMs);
    // A status-only read: the whole job is read once, when the wait ends.
    const checkNow = created
      ? Promise.resolve(created.status)
      : /^gen_[0-9a-z]{26}$/.test(id)
        ? repository.status(id)
        : Promise.resolve(undefined);
    checkNow.then((status) => {
      if (settled) return;
      if (status === undefined) fail(new NotFoundError('generation', id));
      else if (until(status)) settle();
    }, fail);
  });
}
