import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors/index.js';
import { ProviderHttpClient } from './provider-http-client.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
let handler: Handler = (_request, response) => response.end('{}');
const server = createServer((request, response) => handler(request, response));
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (options: Partial<ConstructorParameters<typeof ProviderHttpClient>[0]> = {}) =>
  new ProviderHttpClient({
    providerId: 'acme',
    baseUrl,
    headers: { authorization: 'Bearer k' },
    ...options,
  });
const signal = () => AbortSignal.timeout(5_000);

describe('ProviderHttpClient', () => {
  it('should send JSON below the base URL with the auth headers and parse the answer', async () => {
    let seen: { url?: string; auth?: string; body?: string } = {};
    handler = (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = { url: request.url, auth: request.headers.authorization, body };
        response.setHeader('content-type', 'application/json');
        response.end('{"id":"job_1"}');
      });
    };
    const response = await client().request({
      method: 'POST',
      path: '/jobs?x=1',
      json: { prompt: 'a' },
      signal: signal(),
    });
    expect(response.json).toEqual({ id: 'job_1' });
    expect(seen).toEqual({ url: '/api/jobs?x=1', auth: 'Bearer k', body: '{"prompt":"a"}' });
  });

  it('should map a 429 to a retryable error with the Retry-After wait', async () => {
    handler = (_request, response) => {
      response.writeHead(429, { 'retry-after': '3' });
      response.end('slow down');
    };
    const error = await client()
      .request({ method: 'GET', path: '/jobs', signal: signal() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'provider_rate_limited',
      statusCode: 429,
      retryAfterMs: 3000,
      isRetryable: true,
    });
  });

  it("should try the request's mapError, then the client's, then the status mapping", async () => {
    handler = (_request, response) => {
      response.writeHead(404);
      response.end('{"error":"gone"}');
    };
    const gone = new ProviderError({
      providerId: 'acme',
      code: 'provider_generation_failed',
      message: 'gone',
    });
    const envelope = new ProviderError({
      providerId: 'acme',
      code: 'provider_invalid_request',
      message: 'envelope',
    });
    const http = client({ mapError: () => envelope });
    const request = { method: 'GET' as const, path: '/jobs/1', signal: signal() };
    await expect(http.request({ ...request, mapError: () => gone })).rejects.toBe(gone);
    await expect(http.request({ ...request, mapError: () => undefined })).rejects.toBe(envelope);
    await expect(client().request(request)).rejects.toMatchObject({
      code: 'provider_invalid_request',
      statusCode: 404,
    });
  });

  it('should end a call that outlives timeoutMs as provider_timeout', async () => {
    handler = (_request, response) => void setTimeout(() => response.end('{}'), 2_000);
    await expect(
      client({ timeoutMs: 100 }).request({ method: 'GET', path: '/slow', signal: signal() }),
    ).rejects.toMatchObject({ code: 'provider_timeout' });
  });

  it('should refuse a 2xx body that is not JSON as provider_bad_response', async () => {
    handler = (_request, response) => response.end('<html>');
    await expect(
      client().request({ method: 'GET', path: '/jobs', signal: signal() }),
    ).rejects.toMatchObject({ code: 'provider_bad_response' });
  });

  it('should send a per-call key instead of the configured one and redact it from errors', async () => {
    const callerKey = 'caller-Own-Key-31d7e2';
    let seen: string | undefined;
    handler = (request, response) => {
      seen = request.headers.authorization;
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: `bad key ${callerKey}` }));
    };
    const error = await client({ authHeaders: (apiKey) => ({ Authorization: `Bearer ${apiKey}` }) })
      .request({ method: 'GET', path: '/jobs', signal: signal(), apiKey: callerKey })
      .catch((caught: unknown) => caught);
    expect(seen).toBe(`Bearer ${callerKey}`);
    expect(error).toMatchObject({ code: 'provider_auth_failed' });
    expect(
      JSON.stringify({ ...(error as ProviderError), message: (error as Error).message }),
    ).not.toContain(callerKey);
  });

  it('should refuse a per-call key it cannot send rather than use the configured key', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      response.end('{}');
    };
    await expect(
      client().request({ method: 'GET', path: '/jobs', signal: signal(), apiKey: 'caller-key-1' }),
    ).rejects.toMatchObject({ code: 'provider_auth_failed' });
    expect(calls).toBe(0);
  });
});
