import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatedOpenAI } from '../fakes/openai/gated-openai.js';
import { JobBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { QueueName } from '../../src/jobs/job-queue.js';

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function onlyJobId(test: TestGateway): Promise<string> {
  const { rows } = await test.gateway.database.query<{ id: string }>(
    'SELECT id FROM generations ORDER BY id DESC LIMIT 1',
  );
  return rows[0]!.id;
}

/**
 * Makes the job's backstop due, as if the call timeout + 30 s had passed, and lets the
 * supervisor sweep it into the queue (ADR 0022); returns the submit message it sent.
 */
async function fireBackstop(test: TestGateway, jobId: string): Promise<string> {
  const due = await test.gateway.database.query(
    `UPDATE generations SET backstop_at = now() - interval '1 second'
       WHERE id = $1 AND backstop_at IS NOT NULL`,
    [jobId],
  );
  expect(due.rowCount).toBe(1);
  await test.gateway.engine.supervisor.tick();
  const { rows } = await test.gateway.database.query<{ id: string }>(
    `SELECT id FROM pgboss.job WHERE name = $1 AND data->>'jobId' = $2
       AND (data->>'backstop')::boolean`,
    [QueueName.submit, jobId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

/** The job's pending backstop and how many queue messages name it. */
async function backstopAndMessages(
  test: TestGateway,
  jobId: string,
): Promise<{ backstop: Date | null; messages: number } | undefined> {
  const { rows } = await test.gateway.database.query<{ backstop: Date | null; messages: number }>(
    `SELECT backstop_at AS backstop,
            (SELECT count(*)::int FROM pgboss.job WHERE data->>'jobId' = $1) AS messages
       FROM generations WHERE id = $1`,
    [jobId],
  );
  return rows[0];
}

async function messageState(test: TestGateway, id: string): Promise<string | undefined> {
  const { rows } = await test.gateway.database.query<{ state: string }>(
    'SELECT state FROM pgboss.job WHERE id = $1',
    [id],
  );
  return rows[0]?.state;
}

const providers = (baseUrl: string) => [
  { id: 'openai', type: 'openai' as const, apiKey: 'test-key', baseUrl },
];

describe('the backstop of a waiting client', () => {
  let provider: GatedOpenAI;
  const gateways: TestGateway[] = [];
  beforeAll(async () => {
    provider = await GatedOpenAI.start();
  });
  afterEach(() => provider.release());
  afterAll(async () => {
    for (const test of gateways) await test.close();
    await provider?.proxy.close();
    await provider?.fake.close();
  });

  it('should leave a job alone while this process still submits it inline', async () => {
    provider.close();
    const test = await startTestGateway('pglite', {
      providers: providers(`${provider.proxy.url}/v1`),
      jobs: { maxSubmitRounds: 1 },
    });
    gateways.push(test);
    const before = provider.arrived;
    const answer = postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'gpt-image-2',
      prompt: 'a lantern',
    });
    await until(() => provider.arrived > before, 'the submission to reach the provider');
    const jobId = await onlyJobId(test);
    const message = await fireBackstop(test, jobId);
    await until(async () => (await messageState(test, message)) === 'completed', 'the backstop');
    provider.release();
    const { status, body } = await answer;
    expect(status).toBe(200);
    const job = JobBody.parse(body);
    expect({ status: job.status, error: job.error }).toEqual({
      status: 'succeeded',
      error: null,
    });
    expect(provider.fake.submissions()).toBe(before + 1);
  });

  it('should store a synchronous request with no queue message, its backstop cleared by its success', async () => {
    const test = await startTestGateway('pglite', {
      providers: providers(`${provider.proxy.url}/v1`),
    });
    gateways.push(test);
    const { status, body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'gpt-image-2',
      prompt: 'a bell',
    });
    expect(status).toBe(200);
    const jobId = JobBody.parse(body).id;
    expect(await backstopAndMessages(test, jobId)).toEqual({ backstop: null, messages: 0 });
  });

  it('should queue nothing for a finished job whose backstop came due, and clear it', async () => {
    const test = await startTestGateway('pglite', {
      providers: providers(`${provider.proxy.url}/v1`),
    });
    gateways.push(test);
    const { body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'gpt-image-2',
      prompt: 'a drum',
    });
    const jobId = JobBody.parse(body).id;
    // A job ended by a path that leaves its backstop set (plain SQL here).
    await test.gateway.database.query(
      `UPDATE generations SET backstop_at = now() - interval '1 second' WHERE id = $1`,
      [jobId],
    );
    await test.gateway.engine.supervisor.tick();
    expect(await backstopAndMessages(test, jobId)).toEqual({ backstop: null, messages: 0 });
  });

  it("should leave a job alone while another instance's provider call can still be running", async () => {
    provider.close();
    const database = await createPostgresDatabase();
    const config = {
      providers: providers(`${provider.proxy.url}/v1`),
      jobs: { maxSubmitRounds: 1 },
    };
    try {
      const first = await startTestGateway('postgres', config, { databaseUrl: database.url });
      gateways.push(first);
      const second = await startTestGateway('postgres', config, { databaseUrl: database.url });
      gateways.push(second);
      const before = provider.arrived;
      const answer = postJson(`${first.url}/v1/generations?wait=20`, {
        model: 'gpt-image-2',
        prompt: 'a kite',
      });
      await until(() => provider.arrived > before, 'the submission to reach the provider');
      const jobId = await onlyJobId(first);
      // The second instance's worker takes the backstop message.
      await second.gateway.engine.submitWorker.process({ jobId, backstop: true });
      provider.release();
      const { status, body } = await answer;
      expect(status).toBe(200);
      expect(JobBody.parse(body).status).toBe('succeeded');
      expect(provider.fake.submissions()).toBe(before + 1);
    } finally {
      for (const test of gateways.splice(0)) await test.close();
      await database.drop();
    }
  });
});
