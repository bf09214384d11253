import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeImageHost } from '../fakes/fake-image-host.js';
import { fakePng } from '../fakes/fake-media.js';
import { OpenAIFake } from '../fakes/openai/openai-fake.js';
import { generate } from '../helpers/provider-gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('an input image by URL through a real gateway with a fallback', () => {
  let failing: OpenAIFake;
  let serving: OpenAIFake;
  let host: FakeImageHost;
  let test: TestGateway;
  let png: Buffer;
  beforeAll(async () => {
    png = await fakePng();
    failing = await OpenAIFake.start({ apiKey: 'key-a' });
    serving = await OpenAIFake.start({ apiKey: 'key-b' });
    failing.scenario = 'server_error';
    host = await FakeImageHost.start({ '/input.png': { body: png, declareLength: true } });
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'openai-a', type: 'openai', apiKey: 'key-a', baseUrl: failing.baseUrl },
        { id: 'openai-b', type: 'openai', apiKey: 'key-b', baseUrl: serving.baseUrl },
      ],
      routing: { strategy: 'primary_first', chain: ['openai-a', 'openai-b'] },
      downloads: { allowedPrivateHosts: [new URL(host.url).host] },
      health: { checkIntervalSeconds: 0 },
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await failing?.close();
    await serving?.close();
    await host?.close();
  });

  it('should download the image once for both candidates and keep it as an upload of the job', async () => {
    const { job } = await generate(test, {
      model: 'gpt-image-2',
      prompt: 'the same lantern, in blue',
      input_images: [`${host.url}/input.png`],
      width: 1024,
      height: 1024,
    });
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('openai-b');
    expect(job.attempts.map((attempt) => attempt.provider)).toEqual(['openai-a', 'openai-b']);
    // Both providers were sent the bytes; the image host was asked once.
    expect(failing.submissionRequests().at(-1)?.path).toBe('/v1/images/edits');
    expect(serving.submissionRequests().at(-1)?.path).toBe('/v1/images/edits');
    expect(serving.submissionRequests().at(-1)?.rawBody.includes(png)).toBe(true);
    expect(host.log('/input.png').hits).toBe(1);

    const { rows } = await test.gateway.database.query<{ purpose: string; bytes: number }>(
      'SELECT purpose, bytes FROM assets WHERE generation_id = $1 AND purpose = $2',
      [job.id, 'upload'],
    );
    expect(rows).toEqual([{ purpose: 'upload', bytes: png.length }]);
  });
});
