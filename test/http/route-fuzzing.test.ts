import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { findHalfWrittenJobs } from '../helpers/half-written-jobs.js';
import {
  fuzzRequestArbitrary,
  listOperations,
  type FuzzOperation,
  type FuzzRequest,
} from '../helpers/fuzz-request-arbitrary.js';
import { startServer } from '../helpers/loopback-server.js';
import type { Backend } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'fuzz-admin-key';
/** CI runs a fixed seed and a modest count; `npm run chaos` sets FUZZ_RUNS higher and varies the seed. */
const runs = Number(process.env.FUZZ_RUNS ?? 150);
const seed = Number(process.env.FUZZ_SEED ?? 20261202);
/** PGlite in CI; `npm run chaos` also runs the large fuzzing against PostgreSQL. */
const backend: Backend = process.env.FUZZ_BACKEND === 'postgres' ? 'postgres' : 'pglite';

/**
 * 503s the gateway may answer for a state that is genuinely unavailable, not for bad input:
 * a fuzzed admin call can switch the only provider off, open its circuit or disable the relay's
 * channel. Only the admin group changes such state; elsewhere any 5xx is a finding.
 */
const unavailableCodes = new Set(['no_capable_provider', 'no_channel', 'channel_unavailable']);

/** The S4 relays forward raw bytes; they are hidden from the OpenAPI document. */
const relayOperations: FuzzOperation[] = [
  { method: 'POST', path: '/runway/v1/image_to_video', pathParams: [], query: [] },
  { method: 'GET', path: '/runwayml/v1/tasks/{id}', pathParams: ['id'], query: [] },
  { method: 'POST', path: '/kling/v1/videos/text2video', pathParams: [], query: [] },
  { method: 'DELETE', path: '/pika/v1/generate/{id}', pathParams: ['id'], query: [] },
];

/**
 * Routes that call a provider's network API on purpose (a channel's health check): a fuzzed
 * channel may name a real provider's default host, and the fuzzer sends traffic to loopback only.
 */
const reachesOutside = new Set(['POST /admin/channels/{id}/test', 'POST /admin/health-check']);

interface Finding {
  request: FuzzRequest;
  status: number;
  body: string;
}

function describeFinding(finding: Finding): string {
  const { request } = finding;
  const payload =
    request.payload === undefined
      ? ''
      : String(request.payload).slice(0, 300).replaceAll('\u0000', '\\0');
  return `${finding.status} ${request.method} ${request.url.slice(0, 200)} [${request.shape}] headers=${JSON.stringify(request.headers).slice(0, 300)} body=${payload} → ${finding.body.slice(0, 300)}`;
}

/** Why a response breaks the contract, or undefined when it keeps it. */
function violation(status: number, body: string, mayBeUnavailable: boolean): string | undefined {
  if (status >= 500) {
    if (status !== 503 || !mayBeUnavailable) return 'a 5xx';
    const parsed = ErrorBody.safeParse(safeJson(body));
    if (!parsed.success || !unavailableCodes.has(parsed.data.error.code))
      return 'a 503 for bad input';
  }
  if (status >= 400 && !ErrorBody.safeParse(safeJson(body)).success) {
    return 'an error without the envelope';
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends `runs` fuzzed requests to the group's operations; every broken answer is collected. */
async function fuzzGroup(
  test: TestGateway,
  mayBeReconfigured: boolean,
  operations: FuzzOperation[],
  knownIds: string[],
): Promise<{ statuses: Map<number, number>; findings: string[] }> {
  const statuses = new Map<number, number>();
  const findings: string[] = [];
  const requests = fc
    .constantFrom(...operations)
    .chain((operation) => fuzzRequestArbitrary(operation, { adminKey, knownIds }));
  // Every broken answer is collected rather than shrunk: shrinking re-runs stateful requests,
  // and one run should report every distinct finding, not the first.
  await fc.assert(
    fc.asyncProperty(requests, async (request) => {
      const response = await test.gateway.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        payload: request.payload,
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const broken = violation(response.statusCode, response.body, mayBeReconfigured);
      if (broken)
        findings.push(
          `${broken}: ${describeFinding({ request, status: response.statusCode, body: response.body })}`,
        );
    }),
    { numRuns: runs, seed },
  );
  return { statuses, findings };
}

/**
 * The process still answers and still does work. Fuzzed admin calls may have switched the only
 * provider off or rerouted it, so there a refusal in the error envelope also counts as serving.
 */
async function expectStillServing(test: TestGateway, mayBeReconfigured: boolean): Promise<void> {
  expect((await test.gateway.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  const response = await test.gateway.app.inject({
    method: 'POST',
    url: '/v1/generations?wait=20',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    payload: {
      model: 'sim-image',
      prompt: 'still serving after the fuzzing',
      width: 64,
      height: 64,
    },
  });
  if (mayBeReconfigured && response.statusCode >= 400) {
    expect(violation(response.statusCode, response.body, mayBeReconfigured)).toBeUndefined();
  } else {
    expect(JobBody.parse(response.json()).status).toBe('succeeded');
  }
}

describe.each([
  [
    'native /v1 routes',
    (operation: FuzzOperation) =>
      operation.path.startsWith('/v1/') && !operation.path.startsWith('/v1/providers'),
  ],
  [
    'compatibility routes (S1, S3, S5, S4 relays, provider callbacks)',
    (operation: FuzzOperation) =>
      /^\/(api\/v3|motif|api\/videos|runway|runwayml|kling|pika|v1\/providers)\//.test(
        operation.path,
      ),
  ],
  [
    'admin, tenancy and operations routes',
    (operation: FuzzOperation) =>
      /^\/(admin|api\/health|healthz|readyz|metrics)/.test(operation.path),
  ],
])('fuzzing %s', (_name, belongs) => {
  let test: TestGateway;
  let operations: FuzzOperation[];
  const knownIds: string[] = [];

  beforeAll(async () => {
    test = await startTestGateway(
      backend,
      {
        providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 5, p95: 20 } }],
        health: { checkIntervalSeconds: 0 },
        adminKey,
        secretKey: 'fuzz-secret-key-0123456789',
      },
      { env: {} },
    );
    // The relays forward to a channel: an upstream on loopback that answers every call.
    const upstream = await startServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id":"task_1","status":"PENDING"}');
    });
    const channel = await test.gateway.app.inject({
      method: 'POST',
      url: '/admin/channels',
      headers: { authorization: `Bearer ${adminKey}` },
      payload: {
        type: 'passthrough',
        name: 'loopback',
        models: ['runway', 'kling', 'pika'],
        base_url: upstream.url,
        key: 'upstream-key',
      },
    });
    expect(channel.json()).toMatchObject({ name: 'loopback' });
    const document = (
      await test.gateway.app.inject({ method: 'GET', url: '/openapi.json' })
    ).json();
    operations = [...listOperations(document), ...relayOperations]
      .filter(belongs)
      .filter((operation) => !reachesOutside.has(`${operation.method} ${operation.path}`));
    const created = await test.gateway.app.inject({
      method: 'POST',
      url: '/v1/generations?wait=20',
      headers: { authorization: `Bearer ${adminKey}` },
      payload: {
        model: 'sim-image',
        prompt: 'a known job',
        width: 64,
        height: 64,
        user: 'fuzz-user',
      },
    });
    const job = JobBody.parse(created.json());
    knownIds.push(job.id, ...job.outputs.map((output) => output.asset_id), 'simulator');
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should answer every request without a 5xx, with the error envelope on every 4xx, and stay up with nothing half-written', async () => {
    expect(operations.length).toBeGreaterThan(3);
    const { statuses, findings } = await fuzzGroup(
      test,
      _name.startsWith('admin'),
      operations,
      knownIds,
    );
    process.stdout.write(
      `fuzzing ${_name} on ${backend}: ${runs} requests (seed ${seed}), statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
    );
    expect(findings).toEqual([]);
    // The fuzzer reached past validation, or it proved little.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    await expectStillServing(test, _name.startsWith('admin'));
    expect(await findHalfWrittenJobs(test.gateway.database)).toEqual([]);
  }, 120_000);
});
