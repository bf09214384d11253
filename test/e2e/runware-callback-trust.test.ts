import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunwareWebhookTokens } from '../../src/providers/runware/runware-webhook.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { jobWhen } from '../helpers/job-when.js';
import { JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const webhookSecret = 'callback-trust-webhook-secret';

/**
 * Issue 12: a Runware callback URL carries the gateway's own token, which leaks with the URL
 * (proxy logs). A forged body on a valid URL once stored a text page as a video and set a job's
 * cost to −123.45 USD. The callback is now only a signal: the gateway asks Runware.
 */
describe('Runware callbacks are confirmed with Runware', () => {
  let fake: RunwareFake;
  let test: TestGateway;
  beforeAll(async () => {
    // Runware keeps answering `processing` until the test lets the task finish.
    fake = await RunwareFake.start({ processingPolls: 1_000_000 });
    test = await startTestGateway('pglite', {
      publicUrl: 'http://127.0.0.1:1',
      providers: [
        {
          id: 'runware',
          type: 'runware',
          apiKey: 'test-key',
          baseUrl: fake.endpoint,
          webhookSecret,
        },
      ],
      jobs: { pollInitialMs: 60_000, pollMaxMs: 60_000 },
      health: { checkIntervalSeconds: 0 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  const readJob = async (id: string) =>
    JobBody.parse((await getJson(`${test.url}/v1/generations/${id}`)).body);

  it('should ignore a forged result on a valid callback URL and take the result Runware gives', async () => {
    const created = await postJson(`${test.url}/v1/generations`, {
      model: 'flux-schnell',
      prompt: 'a kite',
      width: 256,
      height: 256,
    });
    expect(created.status).toBe(202);
    const { id } = JobBody.parse(created.body);
    let job = await jobWhen(test, id, (read) => Boolean(read.attempts[0]?.provider_job_id));
    const taskUUID = job.attempts[0]!.provider_job_id!;
    const url = new RunwareWebhookTokens(webhookSecret).url(
      `${test.url}/v1/providers/runware/webhook`,
      taskUUID,
      1,
    );
    // The attacker's body: "finished", a text page for an image, and a negative cost.
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        data: [
          {
            taskType: 'imageInference',
            taskUUID,
            status: 'success',
            imageURL: `${fake.endpoint.replace(/\/v1$/, '')}/not-an-image`,
            cost: -123.45,
          },
        ],
      }),
    });
    expect(forged.status).toBe(200);
    // Runware, asked, says it is still processing: nothing of the body was believed.
    job = await readJob(id);
    expect(['submitted', 'running']).toContain(job.status);
    expect(job.outputs).toEqual([]);
    expect(job.cost.actual_usd ?? 0).toBeGreaterThanOrEqual(0);

    // Runware finishes; the next (genuine-looking or not) callback makes the gateway ask again.
    fake.tasks.get(taskUUID)!.polls = 2_000_000;
    const genuine = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: fake.webhook(taskUUID, url).rawBody,
    });
    expect(genuine.status).toBe(200);
    job = await readJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.cost.actual_usd).toBeCloseTo(0.0013);
    expect(job.outputs).toHaveLength(1);
  });
});
