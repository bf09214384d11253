import { afterEach, describe, expect, it } from 'vitest';
import { GatedOpenAI } from '../fakes/openai/gated-openai.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

async function jobCount(test: TestGateway): Promise<number> {
  const { rows } = await test.gateway.database.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM generations',
  );
  return rows[0]!.count;
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function expectOverloaded(response: { status: number; headers: Headers; body: unknown }) {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('3');
  expect(ErrorBody.parse(response.body).error.code).toBe('overloaded');
}

describe('admission control per instance', () => {
  let test: TestGateway | undefined;
  let provider: GatedOpenAI | undefined;
  afterEach(async () => {
    provider?.release();
    await test?.close();
    await provider?.proxy.close();
    await provider?.fake.close();
    test = undefined;
    provider = undefined;
  });

  it('should answer 503 overloaded to waiting clients beyond the limit, storing nothing', async () => {
    provider = await GatedOpenAI.start();
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'openai', type: 'openai', apiKey: 'test-key', baseUrl: `${provider.proxy.url}/v1` },
      ],
      admission: { maxWaitingClients: 2, retryAfterSeconds: 3 },
      jobs: { maxSubmitRounds: 1 },
    });
    const url = test.url;
    const body = { model: 'gpt-image-2', prompt: 'a lantern' };
    const held = [1, 2].map(() => postJson(`${url}/v1/generations?wait=20`, body));
    await until(async () => provider!.arrived >= 2, 'two held submissions');
    expect(await jobCount(test)).toBe(2);

    expectOverloaded(await postJson(`${url}/v1/generations?wait=20`, body));
    expectOverloaded(
      await postJson(`${url}/v1/images/generations`, { model: 'gpt-image-2', prompt: 'a kite' }),
    );
    expect(await jobCount(test)).toBe(2);
    // Not waiting is not limited: the job is durable in the queue.
    const queued = await postJson(`${url}/v1/generations`, body);
    expect(queued.status).toBe(202);
    const id = JobBody.parse(queued.body).id;
    expectOverloaded(await getJson(`${url}/v1/generations/${id}?wait=5`));

    provider.release();
    for (const answer of await Promise.all(held)) {
      expect(answer.status).toBe(200);
      expect(JobBody.parse(answer.body).status).toBe('succeeded');
    }
    const after = await postJson(`${url}/v1/generations?wait=20`, body);
    expect(after.status).toBe(200);
  }, 60_000);

  it('should answer 503 overloaded beyond the inline submissions a process runs at once', async () => {
    provider = await GatedOpenAI.start();
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'openai', type: 'openai', apiKey: 'test-key', baseUrl: `${provider.proxy.url}/v1` },
      ],
      admission: { maxInlineSubmissions: 1, retryAfterSeconds: 3 },
      jobs: { maxSubmitRounds: 1 },
    });
    const body = { model: 'gpt-image-2', prompt: 'a lantern' };
    const held = postJson(`${test.url}/v1/generations?wait=20`, body);
    await until(async () => provider!.arrived >= 1, 'the held submission');
    expectOverloaded(await postJson(`${test.url}/v1/generations?wait=20`, body));
    expect(await jobCount(test)).toBe(1);
    provider.release();
    expect((await held).status).toBe(200);
  }, 60_000);
});
