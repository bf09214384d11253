import type { Job } from './job.js';

/**
 * Offered every client job once it is accepted (its row committed), so that a rollout's shadow
 * stage can copy it to the canary (ADR 0017). `offer` returns at once: whatever it does runs
 * after the client's answer, so a copy never slows a waiting client, and its failures are its
 * own, never the client job's.
 */
export interface JobCopier {
  /** Considers `job` for a copy; never throws, never waits. */
  offer(job: Job): void;
}
