import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIFake } from '../fakes/openai/openai-fake.js';
import { soraRelayOffering } from '../fakes/openai/openai-relay-offering.js';
import { JobBody, waitForJob } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.js';
import { createRunningClock } from '../helpers/test-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('a finished result while the S3 asset store is down', () => {
  let s3: S3TestServer;
  let test: TestGateway;
  let openai: OpenAIFake;
  const clock = createRunningClock();
  beforeAll(async () => {
    s3 = await startS3TestServer();
    // A relay: OpenAI shut its Videos API down, and the video case needs a polled provider.
    openai = await OpenAIFake.start({ apiKey: 'test-key', relay: true });
    test = await startTestGateway(
      'postgres',
      {
        providers: [
          { id: 'simulator', type: 'simulator', latencyMs: { p50: 50, p95: 50 } },
          // Synchronous: its image exists only in the answer to the submission.
          {
            id: 'openai',
            type: 'openai',
            apiKey: 'test-key',
            baseUrl: openai.baseUrl,
            models: [soraRelayOffering],
          },
        ],
        jobs: { pollInitialMs: 50, pollMaxMs: 200 },
        storage: { ...s3.storageConfig(), outputRetryWindowSeconds: 60 },
      },
      { now: clock.now },
    );
  }, 60_000);
  afterAll(async () => {
    await test?.close();
    await openai?.close();
    await s3?.close();
  });

  const post = async (prompt: string) => {
    const created = await postJson(`${test.url}/v1/generations`, {
      model: 'sim-image',
      prompt,
      width: 64,
      height: 64,
    });
    expect(created.status).toBe(202);
    return JobBody.parse(created.body).id;
  };
  /** Consecutive failures to store the job's result, as its attempt's next poll carries them. */
  const storageFailures = async (jobId: string) => {
    const { rows } = await test.gateway.database.query<{ failures: number | null }>(
      `SELECT max(poll_storage_failures) AS failures FROM generation_attempts
       WHERE generation_id = $1`,
      [jobId],
    );
    return rows[0]?.failures ?? 0;
  };
  const status = async (jobId: string) =>
    JobBody.parse((await getJson(`${test.url}/v1/generations/${jobId}`)).body).status;
  /** Until the engine has tried to store the result `count` times, or the job ended. */
  const untilStorageFailures = async (jobId: string, count: number) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if ((await storageFailures(jobId)) >= count) return;
      if (['succeeded', 'failed', 'canceled'].includes(await status(jobId))) return;
      if (Date.now() > deadline) throw new Error(`no ${count} storage failures of ${jobId}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  it('should keep fetching the result the provider still holds and store it once the bucket is back', async () => {
    await s3.stop();
    const jobId = await post('a lighthouse stored late');
    await untilStorageFailures(jobId, 6);
    expect(await status(jobId)).not.toMatch(/succeeded|failed|canceled/);

    await s3.start();
    // Past the store's cached health answer, on the gateway's clock.
    clock.advance(10_000);
    const job = await waitForJob(test.url, jobId, 30_000);
    expect(job.status).toBe('succeeded');
    expect(job.attempts).toHaveLength(1);
    const file = await fetch(job.outputs[0]!.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
  }, 60_000);

  it('should fail the job with storage_unavailable once the retry window is spent, long before its deadline', async () => {
    await s3.stop();
    try {
      const jobId = await post('a lighthouse never stored');
      await untilStorageFailures(jobId, 1);
      clock.advance(61_000);
      const job = await waitForJob(test.url, jobId, 30_000);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('storage_unavailable');
      expect(job.attempts).toHaveLength(1);
    } finally {
      await s3.start();
    }
  }, 60_000);

  it('should fail a synchronous result with storage_unavailable after its quick tries, submitted once', async () => {
    await s3.stop();
    try {
      const submissionsBefore = openai.submissions();
      const created = await postJson(`${test.url}/v1/generations?wait=20`, {
        model: 'gpt-image-2',
        prompt: 'a paper lantern nobody can store',
        width: 1024,
        height: 1024,
      });
      const job = JobBody.parse(created.body);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('storage_unavailable');
      expect(job.attempts).toHaveLength(1);
      expect(openai.submissions() - submissionsBefore).toBe(1);
    } finally {
      await s3.start();
    }
  }, 60_000);

  it('should not fetch a refused result again while the store is known to be down', async () => {
    await s3.stop();
    const downloads = () =>
      openai.server.requests.filter((request) => request.path.endsWith('/content')).length;
    const downloadsBefore = downloads();
    const created = await postJson(`${test.url}/v1/generations`, {
      model: 'sora-2',
      prompt: 'waves nobody can store yet',
      duration: 4,
      aspect_ratio: '9:16',
    });
    const videoId = JobBody.parse(created.body).id;
    await untilStorageFailures(videoId, 5);
    expect(await status(videoId)).not.toMatch(/succeeded|failed|canceled/);
    expect(downloads() - downloadsBefore).toBe(1);

    await s3.start();
    // Past the store's cached health answer, on the gateway's clock.
    clock.advance(10_000);
    const job = await waitForJob(test.url, videoId, 30_000);
    expect(job.status).toBe('succeeded');
    expect(downloads() - downloadsBefore).toBe(2);
    const file = await fetch(job.outputs[0]!.url);
    expect(file.headers.get('content-type')).toBe('video/mp4');
  }, 60_000);
});
