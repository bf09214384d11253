import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/security/standard-webhooks.js';
import { fakePng } from '../fakes/fake-media.js';
import { backends } from '../helpers/test-database.js';
import { jobWhen } from '../helpers/job-when.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { createRunningClock } from '../helpers/test-clock.js';
import { z } from 'zod';
import { getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, JobBody, JobListBody, waitForJob } from '../helpers/api-schemas.js';

/** `error.details` of a job that failed with `all_providers_failed`. */
const AllProvidersFailedDetails = z.looseObject({
  attempts: z.array(z.looseObject({ provider: z.string(), code: z.string() })),
});

/** The part of a job's stored `request` these tests read back. */
const StoredInputs = z.looseObject({ input_images: z.array(z.string()) });

const webhookSecret =
  'whsec_' + Buffer.from('switchyard-test-webhook-secret-32b').toString('base64');

/** A client webhook receiver that fails its first delivery, then accepts. */
async function startReceiver() {
  const received: { headers: Record<string, string | undefined>; body: string }[] = [];
  let calls = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      calls++;
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers))
        headers[name] = Array.isArray(value) ? value[0] : value;
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(calls === 1 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(backends)('job engine on %s', (backend) => {
  let test: TestGateway;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  // Real time, except where a test jumps past a deadline instead of waiting for it.
  const clock = createRunningClock();

  beforeAll(async () => {
    receiver = await startReceiver();
    test = await startTestGateway(
      backend,
      {
        providers: [
          { id: 'simulator', type: 'simulator', latencyMs: { p50: 150, p95: 300 } },
          { id: 'sim-off', type: 'simulator', enabled: false },
          {
            id: 'sim-slow',
            type: 'simulator',
            latencyMs: { p50: 120_000, p95: 120_000 },
            models: ['slow-image'],
          },
          {
            id: 'sim-broken',
            type: 'simulator',
            failureRate: 1,
            failureKinds: ['server_error'],
            models: ['fallback-image'],
          },
          {
            id: 'sim-backup',
            type: 'simulator',
            latencyMs: { p50: 100, p95: 200 },
            models: ['fallback-image'],
          },
          {
            id: 'sim-broke',
            type: 'simulator',
            failureRate: 1,
            failureKinds: ['insufficient_credits'],
            models: ['doomed-image'],
          },
          {
            id: 'sim-busy',
            type: 'simulator',
            failureRate: 1,
            failureKinds: ['rate_limited'],
            models: ['doomed-image'],
          },
        ],
        // The supervisor runs only when a test ticks it, so its passes are the test's own.
        jobs: { maxSubmitRounds: 2, maintenanceIntervalSeconds: 3600 },
        webhooks: { secret: webhookSecret, allowPrivateTargets: true, retryDelaySeconds: 1 },
      },
      { now: clock.now },
    );
  });
  afterAll(async () => {
    await test?.close();
    await receiver?.close();
  });

  it('should produce a real MP4 for a video job and serve byte ranges of it', async () => {
    const response = await postJson(`${test.url}/v1/generations?wait=30`, {
      model: 'sim-video',
      prompt: 'waves',
      duration: 1.2,
      resolution: '480p',
    });
    expect(response.status).toBe(200);
    const body = JobBody.parse(response.body);
    expect(body.status).toBe('succeeded');
    expect(body.outputs[0]).toMatchObject({
      mime_type: 'video/mp4',
      width: 864,
      height: 480,
      duration: 1.2,
    });
    const full = await fetch(`${test.url}/v1/assets/${body.outputs[0]!.asset_id}`);
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    const partial = await fetch(`${test.url}/v1/assets/${body.outputs[0]!.asset_id}`, {
      headers: { range: 'bytes=4-11' },
    });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 4-11/${bytes.length}`);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(bytes.subarray(4, 12));
    const outside = await fetch(`${test.url}/v1/assets/${body.outputs[0]!.asset_id}`, {
      headers: { range: `bytes=${bytes.length}-` },
    });
    expect(outside.status).toBe(416);
  });

  it('should answer 202 at once and let GET ?wait and Prefer: wait hold until done', async () => {
    const created = await postJson(`${test.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'a kite',
      n: 2,
      width: 64,
      height: 64,
    });
    expect(created.status).toBe(202);
    const createdJob = JobBody.parse(created.body);
    expect(createdJob.status).toBe('queued');
    expect(created.headers.get('location')).toBe(`/v1/generations/${createdJob.id}`);
    const finished = JobBody.parse(
      (await getJson(`${test.url}/v1/generations/${createdJob.id}?wait=20`)).body,
    );
    expect(finished.status).toBe('succeeded');
    expect(finished.outputs).toHaveLength(2);
    const preferred = await postJson(
      `${test.url}/v1/generations`,
      { model: 'sim-image', prompt: 'a kite', width: 64, height: 64 },
      { prefer: 'wait=20' },
    );
    expect(preferred.status).toBe(200);
    expect(JobBody.parse(preferred.body).status).toBe('succeeded');
  });

  it('should return the same job for a repeated Idempotency-Key and 409 for a different body', async () => {
    const body = { model: 'sim-image', prompt: 'idempotent', width: 64, height: 64 };
    const key = `key-${backend}-${Date.now()}`;
    const first = await postJson(`${test.url}/v1/generations`, body, { 'idempotency-key': key });
    const second = await postJson(`${test.url}/v1/generations`, body, { 'idempotency-key': key });
    const firstJob = JobBody.parse(first.body);
    expect(JobBody.parse(second.body).id).toBe(firstJob.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const conflict = await postJson(
      `${test.url}/v1/generations`,
      { ...body, prompt: 'something else' },
      { 'idempotency-key': key },
    );
    expect(conflict.status).toBe(409);
    expect(ErrorBody.parse(conflict.body).error.code).toBe('idempotency_key_reused');
    const concurrent = await Promise.all(
      Array.from({ length: 8 }, () =>
        postJson(`${test.url}/v1/generations`, body, { 'idempotency-key': `${key}-race` }),
      ),
    );
    expect(new Set(concurrent.map((response) => JobBody.parse(response.body).id)).size).toBe(1);
    const done = await waitForJob(test.url, firstJob.id);
    expect(done.attempts).toHaveLength(1);
  });

  it('should cancel a running job and refuse to cancel it twice', async () => {
    const body = JobBody.parse(
      (
        await postJson(`${test.url}/v1/generations`, {
          model: 'slow-image',
          prompt: 'slow',
          width: 64,
          height: 64,
        })
      ).body,
    );
    const submitted = await jobWhen(test, body.id, (job) =>
      ['submitted', 'running'].includes(job.status),
    );
    expect(submitted.provider).toBe('sim-slow');
    const canceled = await postJson(`${test.url}/v1/generations/${body.id}/cancel`, {});
    expect(canceled.status).toBe(200);
    const canceledJob = JobBody.parse(canceled.body);
    expect(canceledJob.status).toBe('canceled');
    expect(canceledJob.attempts[0]!.status).toBe('canceled');
    const again = await postJson(`${test.url}/v1/generations/${body.id}/cancel`, {});
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(again.body).error.code).toBe('job_not_cancelable');
  });

  it('should fail a job that outlives its timeout with job_timeout', async () => {
    const body = JobBody.parse(
      (
        await postJson(`${test.url}/v1/generations`, {
          model: 'slow-image',
          prompt: 'slow',
          width: 64,
          height: 64,
          timeout_seconds: 5,
        })
      ).body,
    );
    // The slow provider holds the job; the gateway's time then passes its 5 s deadline.
    await jobWhen(test, body.id, (job) => ['submitted', 'running'].includes(job.status));
    clock.advance(6000);
    const done = await waitForJob(test.url, body.id, 20_000);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('job_timeout');
    expect(done.attempts[0]!.status).toBe('failed');
  });

  it('should let the supervisor end an overdue job whose poll chain was lost', async () => {
    const body = JobBody.parse(
      (
        await postJson(`${test.url}/v1/generations`, {
          model: 'slow-image',
          prompt: 'lost poll chain',
          width: 64,
          height: 64,
          timeout_seconds: 5,
        })
      ).body,
    );
    await jobWhen(test, body.id, (job) => ['submitted', 'running'].includes(job.status));
    await losePollChain(test, body.id);
    // Past the 5 s deadline and the supervisor's 5 s grace for the poll worker.
    clock.advance(11_000);
    const before = JobBody.parse((await getJson(`${test.url}/v1/generations/${body.id}`)).body);
    expect(before.status).not.toBe('failed');
    expect(await test.gateway.engine.supervisor.tick()).toBeGreaterThanOrEqual(1);
    const done = JobBody.parse((await getJson(`${test.url}/v1/generations/${body.id}`)).body);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('job_timeout');
    expect(done.attempts[0]!.status).toBe('failed');
    expect(await test.gateway.engine.supervisor.tick()).toBe(0);
  });

  it('should fall back to the next provider when one fails before accepting', async () => {
    const body = JobBody.parse(
      (
        await postJson(`${test.url}/v1/generations?wait=20`, {
          model: 'fallback-image',
          prompt: 'fallback',
          width: 64,
          height: 64,
        })
      ).body,
    );
    expect(body.status).toBe('succeeded');
    expect(body.provider).toBe('sim-backup');
    expect(body.attempts.map((attempt) => [attempt.provider, attempt.status])).toEqual([
      ['sim-broken', 'failed'],
      ['sim-backup', 'succeeded'],
    ]);
    expect(body.attempts[0]!.error?.code).toBe('provider_unavailable');
  });

  it('should fail with all_providers_failed and each provider reason when every candidate fails', async () => {
    const body = JobBody.parse(
      (
        await postJson(`${test.url}/v1/generations`, {
          model: 'doomed-image',
          prompt: 'doomed',
          width: 64,
          height: 64,
        })
      ).body,
    );
    const done = await waitForJob(test.url, body.id, 20_000);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('all_providers_failed');
    const reasons = AllProvidersFailedDetails.parse(done.error?.details).attempts.map(
      (reason) => `${reason.provider}:${reason.code}`,
    );
    // Out of credit after the first round, sim-broke is tried last in the second.
    expect(reasons.sort()).toEqual([
      'sim-broke:provider_insufficient_credits',
      'sim-busy:provider_rate_limited',
    ]);
    // Two rounds (maxSubmitRounds = 2), each trying both providers.
    expect(done.attempts).toHaveLength(4);
  });

  it('should refuse a request pinned to a disabled provider with 403', async () => {
    const { status, body } = await postJson(`${test.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'x',
      provider: 'sim-off',
    });
    expect(status).toBe(403);
    expect(ErrorBody.parse(body).error.code).toBe('provider_disabled');
  });

  it('should take uploaded images and data URIs as inputs', async () => {
    const png = await fakePng();
    const upload = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: png,
    });
    expect(upload.status).toBe(201);
    const asset = (await upload.json()) as { id: string; mime_type: string; width: number };
    expect(asset).toMatchObject({ mime_type: 'image/png', width: 64 });
    const fromAsset = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'restyle',
      input_images: [asset.id],
      width: 64,
      height: 64,
    });
    expect(fromAsset.body).toMatchObject({ status: 'succeeded', task: 'image-to-image' });
    const dataUri = `data:image/png;base64,${png.toString('base64')}`;
    const inline = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'inpaint',
      input_images: [dataUri],
      mask: dataUri,
      width: 64,
      height: 64,
    });
    expect(inline.body).toMatchObject({ status: 'succeeded', task: 'inpaint' });
    expect(StoredInputs.parse(JobBody.parse(inline.body).request).input_images[0]).toMatch(
      /^asset_/,
    );
  });

  it('should list jobs newest first with user and status filters and a cursor', async () => {
    const user = `lister-${backend}`;
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push(
        JobBody.parse(
          (
            await postJson(`${test.url}/v1/generations`, {
              model: 'sim-image',
              prompt: `p${index}`,
              user,
              width: 64,
              height: 64,
            })
          ).body,
        ).id,
      );
    }
    const first = JobListBody.parse(
      (await getJson(`${test.url}/v1/generations?user=${user}&limit=2`)).body,
    );
    expect(first.data.map((job) => job.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const second = JobListBody.parse(
      (await getJson(`${test.url}/v1/generations?user=${user}&limit=2&cursor=${first.next_cursor}`))
        .body,
    );
    expect(second.data.map((job) => job.id)).toEqual([ids[2], ids[1]]);
    const last = JobListBody.parse(
      (
        await getJson(
          `${test.url}/v1/generations?user=${user}&limit=2&cursor=${second.next_cursor}`,
        )
      ).body,
    );
    expect(last.data.map((job) => job.id)).toEqual([ids[0]]);
    expect(last.next_cursor).toBeNull();
    for (const id of ids) await waitForJob(test.url, id);
    const succeeded = JobListBody.parse(
      (await getJson(`${test.url}/v1/generations?user=${user}&status=succeeded&limit=100`)).body,
    );
    expect(succeeded.data).toHaveLength(5);
  });

  it('should deliver a signed webhook, retry a failed delivery and record both', async () => {
    const body = JobBody.parse(
      (
        await postJson(`${test.url}/v1/generations`, {
          model: 'sim-image',
          prompt: 'hook',
          width: 64,
          height: 64,
          webhook_url: receiver.url,
        })
      ).body,
    );
    const deadline = Date.now() + 30_000;
    let job = await waitForJob(test.url, body.id);
    while (job.webhook?.status !== 'delivered' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      job = JobBody.parse((await getJson(`${test.url}/v1/generations/${body.id}`)).body);
    }
    expect(job.webhook?.status).toBe('delivered');
    expect(job.webhook?.deliveries.map((delivery) => [delivery.status_code, delivery.ok])).toEqual([
      [500, false],
      [204, true],
    ]);
    const deliveries = receiver.received.filter((delivery) => delivery.body.includes(body.id));
    expect(deliveries).toHaveLength(2);
    for (const delivery of deliveries)
      verifyWebhook({ secret: webhookSecret, headers: delivery.headers, body: delivery.body });
    const payload = JSON.parse(deliveries[1]!.body);
    expect(payload).toMatchObject({
      type: 'generation.succeeded',
      data: { id: body.id, status: 'succeeded' },
    });
    expect(deliveries[0]!.headers['webhook-id']).toBe(deliveries[1]!.headers['webhook-id']);
    expect(() =>
      verifyWebhook({
        secret: webhookSecret,
        headers: deliveries[1]!.headers,
        body: deliveries[1]!.body.replace('succeeded', 'failed'),
      }),
    ).toThrow();
  });
});

/**
 * Takes every poll of a job off its attempts and numbers the chain past anything a poll in
 * flight could schedule (ADR 0023: a poll never moves a chain back), so that nothing but the
 * supervisor will look at the job again.
 */
async function losePollChain(test: TestGateway, jobId: string): Promise<void> {
  const { rowCount } = await test.gateway.database.query(
    `UPDATE generation_attempts SET poll_at = NULL, poll_number = 1000000000
      WHERE generation_id = $1 AND status = 'submitted'`,
    [jobId],
  );
  expect(rowCount).toBe(1);
}
