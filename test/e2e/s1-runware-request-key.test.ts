import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config-schema.js';
import type { Database } from '../../src/store/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { RunwareFake, type RunwareFakeOptions } from '../fakes/runware/runware-fake.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson, type JsonResponse } from '../helpers/http-client.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'e2e-s1-request-key-admin';
const auth = { authorization: `Bearer ${adminKey}` };
const operatorKey = 'operator-Runware-Key-7f3a91c2';
const callerKey = 'caller+Own/Runware=Key-5b8e22d4';
const generationsPath = '/api/v3/runware/videos/generations';

const s1Request = (apiKey: string) => ({
  api_key: apiKey,
  image_url: 'https://i.imgur.com/example.png',
  prompt: 'Cinematic motion...',
  duration: 5,
  resolution: '720p',
});

/** Every form a key could leak in. */
const forms = (key: string) => [key, encodeURIComponent(key), key.slice(0, 16)];

/** Every row of every table (jobs, attempts, events, analytics, the queue's own), as text. */
async function everyRow(database: Database): Promise<string> {
  const tables = await database.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  expect(tables.rows.map((table) => table.table_name)).toEqual(
    expect.arrayContaining(['generations', 'generation_attempts']),
  );
  const dumps = await Promise.all(
    tables.rows.map(async ({ table_schema, table_name }) => {
      const rows = await database.query<{ row: string }>(
        `SELECT t::text AS row FROM "${table_schema}"."${table_name}" t`,
      );
      return rows.rows.map((row) => row.row).join('\n');
    }),
  );
  return dumps.join('\n');
}

/** Waits (without asserting on time) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 400 && !condition(); turn++)
    await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}

// Each test starts its own gateway and fake: on a loaded machine that alone takes seconds.
describe('S1 per-request api_key (Runware fake)', { timeout: 90_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function start(
    s1: { allowRequestApiKey: boolean },
    fakeOptions: RunwareFakeOptions = {},
    config: Partial<ConfigInput> = {},
  ) {
    const fake = await RunwareFake.start({ apiKey: operatorKey, ...fakeOptions });
    cleanups.push(() => fake.close());
    fake.acceptKey(callerKey);
    let logs = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    const test = await startTestGateway(
      'pglite',
      {
        adminKey,
        providers: [
          { id: 'runware', type: 'runware', apiKey: operatorKey, baseUrl: fake.endpoint },
        ],
        jobs: { maxSubmitRounds: 1 },
        health: { checkIntervalSeconds: 0 },
        compat: { s1: s1 },
        ...config,
      },
      { logger: createLogger('debug', destination) },
    );
    cleanups.push(() => test.close());
    const generate = (apiKey: string) =>
      postJson(`${test.url}${generationsPath}`, s1Request(apiKey), auth);
    return { fake, test, generate, logs: () => logs };
  }

  async function visible(test: TestGateway, answer: JsonResponse, logs: string): Promise<string> {
    const jobs = await getJson(`${test.url}/v1/generations`, auth);
    const health = await getJson(`${test.url}/api/health`);
    const metrics = await (await fetch(`${test.url}/metrics`, { headers: auth })).text();
    return [
      JSON.stringify(answer.body),
      JSON.stringify(jobs.body),
      JSON.stringify(health.body),
      metrics,
      logs,
      await everyRow(test.gateway.database),
    ].join('\n');
  }

  it("should call Runware with the body's key, never the operator's, and keep it nowhere", async () => {
    const { fake, test, generate, logs } = await start({ allowRequestApiKey: true });
    const answer = await generate(callerKey);
    expect(answer.status).toBe(200);
    expect(fake.keysReceived.length).toBeGreaterThanOrEqual(2); // the submission and its polls
    expect(new Set(fake.keysReceived)).toEqual(new Set([callerKey]));

    const job = JobBody.parse(
      (await getJson(`${test.url}/v1/generations/${(answer.body as { id: string }).id}`, auth))
        .body,
    );
    expect(job.status).toBe('succeeded');
    const everything = await visible(test, answer, logs());
    for (const form of forms(callerKey)) expect(everything).not.toContain(form);
    expect(logs()).toContain('job succeeded');
    expect(test.gateway.callerKeys.size).toBe(0);
  });

  it('should keep a wrong key the provider echoes out of the answer, the database and the logs', async () => {
    const { fake, test, generate, logs } = await start({ allowRequestApiKey: true });
    fake.echoKeyInErrors();
    const wrongKey = 'wrong+Caller/Key=0c4d19ab77';
    const answer = await generate(wrongKey);
    expect(answer.status).toBe(500);
    expect(ErrorBody.parse(answer.body).error.code).toBe('runware_error');
    expect(fake.echoedKeys).toBeGreaterThan(0);
    // Refused, and not retried with the operator's key nor on another provider.
    expect(new Set(fake.keysReceived)).toEqual(new Set([wrongKey]));
    const everything = await visible(test, answer, logs());
    for (const form of forms(wrongKey)) expect(everything).not.toContain(form);
    expect(logs()).toContain('submission failed');
  });

  it("should not mark the operator's Runware out of credit when the caller's account is empty", async () => {
    const { fake, test, generate } = await start({ allowRequestApiKey: true });
    fake.setScenario('insufficient_credits');
    const answer = await generate(callerKey);
    expect(answer.status).toBe(402);
    expect(test.gateway.health.hold('runware')).toBeUndefined();
    fake.setScenario('ok');
    const next = await postJson(
      `${test.url}${generationsPath}`,
      { ...s1Request(callerKey), api_key: undefined },
      auth,
    );
    expect(next.status).toBe(200);
    expect(fake.keysReceived.at(-1)).toBe(operatorKey);
  });

  it("should ignore the body's key and use the operator's when the option is off", async () => {
    const { fake, generate } = await start({ allowRequestApiKey: false });
    const answer = await generate(callerKey);
    expect(answer.status).toBe(200);
    expect(fake.keysReceived.length).toBeGreaterThanOrEqual(2);
    expect(new Set(fake.keysReceived)).toEqual(new Set([operatorKey]));
  });

  it('should end a job whose key is gone with request_key_unavailable, not the operator key', async () => {
    const { fake, test, generate } = await start(
      { allowRequestApiKey: true },
      { processingPolls: 1_000_000 },
    );
    const pending = generate(callerKey);
    await until(() => (fake.lastTask()?.polls ?? 0) >= 1);
    // What a restart does to the memory that held the key.
    test.gateway.callerKeys.clear();
    const answer = await pending;
    expect(answer.status).toBe(500);
    const error = ErrorBody.parse(answer.body).error;
    expect(error.code).toBe('request_key_unavailable');
    expect(new Set(fake.keysReceived)).toEqual(new Set([callerKey]));
    const job = JobBody.parse(
      (await getJson(`${test.url}/v1/generations/${String(error.details?.generation_id)}`, auth))
        .body,
    );
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('request_key_unavailable');
  });
});

describe('S1 per-request api_key on an instance without workers', { timeout: 90_000 }, () => {
  it('should refuse the request with 503 request_key_unavailable and store no job', async () => {
    const fake = await RunwareFake.start({ apiKey: operatorKey });
    const test = await startTestGateway(
      'pglite',
      {
        adminKey,
        providers: [
          { id: 'runware', type: 'runware', apiKey: operatorKey, baseUrl: fake.endpoint },
        ],
        health: { checkIntervalSeconds: 0 },
        compat: { s1: { allowRequestApiKey: true } },
      },
      { runWorkers: false },
    );
    try {
      const answer = await postJson(`${test.url}${generationsPath}`, s1Request(callerKey), auth);
      expect(answer.status).toBe(503);
      expect(ErrorBody.parse(answer.body).error.code).toBe('request_key_unavailable');
      const { rows } = await test.gateway.database.query('SELECT id FROM generations');
      expect(rows).toEqual([]);
      expect(fake.keysReceived).toEqual([]);
    } finally {
      await test.close();
      await fake.close();
    }
  });
});

describe('S1 per-request api_key across two gateways (PostgreSQL)', { timeout: 90_000 }, () => {
  it('should leave the job to the instance holding the key, and end it there only if that one is gone', async () => {
    const fake = await RunwareFake.start({ apiKey: operatorKey, processingPolls: 1_000_000 });
    fake.acceptKey(callerKey);
    const config: Partial<ConfigInput> = {
      adminKey,
      providers: [{ id: 'runware', type: 'runware', apiKey: operatorKey, baseUrl: fake.endpoint }],
      jobs: { maxSubmitRounds: 1 },
      health: { checkIntervalSeconds: 0 },
      compat: { s1: { allowRequestApiKey: true, waitSeconds: 60 } },
    };
    const database = await createPostgresDatabase();
    const first = await startTestGateway('postgres', config, { databaseUrl: database.url });
    // The second instance's clock is past the job's deadline (no sleeping in the test); its
    // supervisor runs only when the test ticks it.
    const second = await startTestGateway(
      'postgres',
      { ...config, jobs: { maxSubmitRounds: 1, maintenanceIntervalSeconds: 3600 } },
      { databaseUrl: database.url, now: () => Date.now() + 3_600_000 },
    );
    try {
      const pending = postJson(`${first.url}${generationsPath}`, s1Request(callerKey), auth).catch(
        () => undefined,
      );
      await until(() => (fake.lastTask()?.polls ?? 0) >= 1);
      const { rows } = await first.gateway.database.query<{ id: string }>(
        'SELECT id FROM generations',
      );
      const jobId = rows[0]!.id;
      // The other instance takes the job's backstop message: it leaves the job to the first.
      await second.gateway.engine.submitWorker.process({ jobId });
      const polls = fake.lastTask()!.polls;
      await until(() => fake.lastTask()!.polls > polls);
      expect((await second.gateway.jobs.get(jobId)).status).not.toBe('failed');

      // The first instance goes away with the key; the second ends the job at its deadline.
      await first.close();
      await pending;
      await second.gateway.engine.supervisor.tick();
      const job = await second.gateway.jobs.get(jobId);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('request_key_unavailable');
      expect(new Set(fake.keysReceived)).toEqual(new Set([callerKey]));
    } finally {
      await first.close();
      await second.close();
      await fake.close();
      await database.drop();
    }
  });
});
