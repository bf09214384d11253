import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import type { Database } from '../../src/store/database.js';
import { openMigratedDatabase } from '../helpers/migrated-database.js';

describe('JobQueue.fail', () => {
  let database: Database;
  let close: () => Promise<void>;
  let queue: JobQueue;
  beforeAll(async () => {
    ({ database, close } = await openMigratedDatabase('pglite'));
    queue = new JobQueue({
      database,
      pollingIntervalSeconds: 0.5,
      leaseSeconds: 30,
      maintenanceIntervalSeconds: 60,
      webhookRetryLimit: 1,
      webhookRetryDelaySeconds: 1,
      onError: () => undefined,
    });
    await queue.start();
  });
  afterAll(async () => {
    await queue?.stop({ graceful: false });
    await close?.();
  });

  const stateOf = async (jobId: string) => {
    const { rows } = await database.query<{ state: string; retry_count: number }>(
      `SELECT state, retry_count FROM pgboss.job WHERE data->>'jobId' = $1`,
      [jobId],
    );
    return rows[0];
  };

  it('records a failure for retry, and throws when nothing was recorded (the message is done)', async () => {
    const deliveries: { id: string; retryCount: number }[] = [];
    await queue.work<{ jobId: string }>(
      QueueName.submit,
      { batchSize: 1, workers: 1 },
      async (messages) => {
        for (const message of messages) {
          deliveries.push({ id: message.id, retryCount: message.retryCount });
          if (message.retryCount === 0)
            await queue.fail(QueueName.submit, message.id, new Error('work failed'));
        }
      },
    );
    await queue.sendSubmit({ jobId: 'gen_fail_once' });
    for (let tries = 0; (await stateOf('gen_fail_once'))?.state !== 'completed'; tries++) {
      if (tries > 200) throw new Error(`never completed: ${JSON.stringify(deliveries)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Failed once (retried), then completed by its second delivery.
    expect(deliveries.map((delivery) => delivery.retryCount)).toEqual([0, 1]);
    expect((await stateOf('gen_fail_once'))?.retry_count).toBe(1);
    // Failing a message no longer active records nothing: the caller hears it instead of
    // letting the batch complete as if the failure had been kept.
    await expect(
      queue.fail(QueueName.submit, deliveries[0]!.id, new Error('too late')),
    ).rejects.toThrow('could not be failed');
  });
});
