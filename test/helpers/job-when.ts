import type { Gateway } from '../../src/compose/create-gateway.js';
import { JobBody } from './api-schemas.js';
import { getJson } from './http-client.js';

/**
 * The job, read through the API, once `accept` holds: read at once, then again at each change
 * the in-process gateway announces for it (its job events, what `?wait=` waiters hear), so a
 * test waits on the gateway's own events instead of sleeping between reads. With several
 * gateways on one database (the job may run on any), it listens to all and reads from the first.
 * The test's timeout bounds it.
 */
export function jobWhen(
  tests: { gateway: Gateway; url: string } | readonly { gateway: Gateway; url: string }[],
  jobId: string,
  accept: (job: JobBody) => boolean,
  headers: Record<string, string> = {},
): Promise<JobBody> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let reads = Promise.resolve();
    const all = Array.isArray(tests) ? tests : [tests];
    const unsubscribes = all.map((test) => test.gateway.jobEvents.subscribe(jobId, () => check()));
    const unsubscribe = () => unsubscribes.forEach((stop) => stop());
    // One read at a time, in order: a change during a read is seen by the read after it.
    const check = () => {
      reads = reads.then(async () => {
        if (settled) return;
        try {
          const job = JobBody.parse(
            (await getJson(`${all[0]!.url}/v1/generations/${jobId}`, headers)).body,
          );
          if (!accept(job)) return;
          settled = true;
          unsubscribe();
          resolve(job);
        } catch (error) {
          settled = true;
          unsubscribe();
          reject(error as Error);
        }
      });
    };
    check();
  });
}
