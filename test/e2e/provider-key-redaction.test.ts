import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { AimlapiFake } from '../fakes/aimlapi/aimlapi-fake.js';
import { fakePng } from '../fakes/fake-media.js';
import type { FakeScenario } from '../fakes/fake-http-server.js';
import { FalFake } from '../fakes/fal/fal-fake.js';
import { KieaiFake } from '../fakes/kieai/kieai-fake.js';
import { ReplicateFake } from '../fakes/replicate/replicate-fake.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { RunwayFake } from '../fakes/runway/runway-fake.js';
import { JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'redaction-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };

/** What every fake offers for this test. */
interface EchoingFake {
  echoKeyInErrors(on?: boolean): void;
  readonly echoedKeys: number;
  setScenario(scenario: FakeScenario): void;
  close(): Promise<void>;
}

interface Case {
  provider: string;
  start(acceptedKey: string): Promise<{ fake: EchoingFake; entry: Record<string, unknown> }>;
  request(): Promise<Record<string, unknown>>;
}

const image = { model: 'flux-schnell', prompt: 'a paper lantern', width: 1024, height: 1024 };
const cases: Case[] = [
  {
    provider: 'replicate',
    async start(apiKey) {
      const fake = await ReplicateFake.start({ apiKey });
      return { fake, entry: { baseUrl: fake.baseUrl } };
    },
    request: async () => image,
  },
  {
    provider: 'fal',
    async start(apiKey) {
      const fake = await FalFake.start({ apiKey });
      return { fake, entry: { baseUrl: fake.url, jwksUrl: fake.jwksUrl } };
    },
    request: async () => image,
  },
  {
    provider: 'kieai',
    async start(apiKey) {
      const fake = await KieaiFake.start({ apiKey });
      return { fake, entry: { baseUrl: fake.url } };
    },
    request: async () => ({ model: 'veo-3-fast', prompt: 'waves at night', aspect_ratio: '9:16' }),
  },
  {
    provider: 'runware',
    async start(apiKey) {
      const fake = await RunwareFake.start({ apiKey });
      return { fake, entry: { baseUrl: fake.endpoint } };
    },
    request: async () => image,
  },
  {
    provider: 'runway',
    async start(apiKey) {
      const fake = await RunwayFake.start({ apiKey });
      return { fake, entry: { baseUrl: fake.url } };
    },
    request: async () => ({
      model: 'gen4_turbo',
      prompt: 'the lighthouse beam sweeps the sea',
      input_images: [`data:image/png;base64,${(await fakePng()).toString('base64')}`],
      aspect_ratio: '9:16',
      duration: 5,
    }),
  },
  {
    provider: 'aimlapi',
    async start(apiKey) {
      const fake = await AimlapiFake.start({ apiKey });
      return { fake, entry: { baseUrl: fake.url } };
    },
    request: async () => image,
  },
];

/** Every form the key could leak in. */
function forms(key: string): string[] {
  return [key, encodeURIComponent(key), key.slice(0, 16)];
}

async function everythingVisible(test: TestGateway, jobId: string, provider: string) {
  const views = await Promise.all([
    getJson(`${test.url}/v1/generations/${jobId}`, admin),
    getJson(`${test.url}/v1/generations`, admin),
    getJson(`${test.url}/api/health`),
    getJson(`${test.url}/admin/providers`, admin),
    getJson(`${test.url}/admin/providers/${provider}`, admin),
    getJson(`${test.url}/admin/alerts`, admin),
  ]);
  return views.map((view) => JSON.stringify(view.body)).join('\n');
}

describe.each(cases)('$provider errors that echo the API key', (testCase) => {
  let test: TestGateway | undefined;
  let fake: EchoingFake | undefined;
  afterEach(async () => {
    await test?.close();
    await fake?.close();
    test = undefined;
    fake = undefined;
  });

  async function start(acceptedKey: string, key: string): Promise<{ logs: () => string }> {
    const started = await testCase.start(acceptedKey);
    fake = started.fake;
    fake.echoKeyInErrors();
    let logs = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    test = await startTestGateway(
      'pglite',
      {
        providers: [
          { id: testCase.provider, type: testCase.provider, apiKey: key, ...started.entry },
        ],
        jobs: { maxSubmitRounds: 1 },
        health: { checkIntervalSeconds: 0 },
        adminKey,
      },
      { logger: createLogger('debug', destination) },
    );
    return { logs: () => logs };
  }

  it('should keep a rejected key out of the job, health, admin views and logs', async () => {
    const key = `Zq7${testCase.provider}+Secret/Key=93xW`;
    const { logs } = await start('the-key-the-fake-accepts', key);
    const response = await postJson(
      `${test!.url}/v1/generations?wait=20`,
      await testCase.request(),
      admin,
    );
    const job = JobBody.parse(response.body);
    expect(job.status).toBe('failed');
    await test!.gateway.health.runChecks();
    expect(fake!.echoedKeys).toBeGreaterThan(0);

    const visible = `${await everythingVisible(test!, job.id, testCase.provider)}\n${logs()}`;
    for (const form of forms(key)) expect(visible).not.toContain(form);
    expect(logs()).toContain('submission failed');
  });

  it('should keep the key out of a provider error message about the request', async () => {
    const key = `Wp4${testCase.provider}+Secret/Key=17qR`;
    const { logs } = await start(key, key);
    fake!.setScenario('invalid_request');
    const response = await postJson(
      `${test!.url}/v1/generations?wait=20`,
      await testCase.request(),
      admin,
    );
    const job = JobBody.parse(response.body);
    expect(job.status).toBe('failed');
    expect(job.error?.message).toBeTruthy();
    expect(fake!.echoedKeys).toBeGreaterThan(0);

    const visible = `${await everythingVisible(test!, job.id, testCase.provider)}\n${logs()}`;
    for (const form of forms(key)) expect(visible).not.toContain(form);
  });
});
