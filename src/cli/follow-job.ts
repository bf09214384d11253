import { JobResourceSchema, type JobResource } from '../api/job-resource-schema.js';
import { isTerminal } from '../core/job.js';
import type { AdminClient } from './admin-client.js';
import type { JobProgress } from './job-progress.js';

/** Seconds each poll lets the gateway hold the request (`?wait=`): it answers at once on the end. */
const pollWaitSeconds = 1;

/** Reads a job answer through the shared schema (zod at the boundary, never a bare cast). */
export function parseJob(value: unknown): JobResource {
  return JobResourceSchema.parse(value);
}

/**
 * Polls `GET /v1/generations/{id}?wait=1` until the job ends, reporting each answer. The
 * long-poll returns as soon as the job ends, so a finished job costs no extra second, and the
 * progress line still moves about once a second.
 */
export async function followJob(
  client: AdminClient,
  first: JobResource,
  progress: JobProgress,
  startedAt: number = performance.now(),
): Promise<JobResource> {
  const report = (job: JobResource) => ({
    id: job.id,
    status: job.status,
    progress: job.progress,
    elapsedMs: performance.now() - startedAt,
  });
  let job = first;
  while (!isTerminal(job.status)) {
    progress.update(report(job));
    job = parseJob(
      await client.get(`/v1/generations/${encodeURIComponent(job.id)}?wait=${pollWaitSeconds}`),
    );
  }
  progress.finish(report(job));
  return job;
}
