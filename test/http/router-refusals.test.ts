import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../helpers/api-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** Sends raw bytes on a real connection and returns everything the server wrote before closing. */
async function rawExchange(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The status and parsed body of a raw HTTP answer. */
function parseAnswer(answer: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
  return { status, body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) };
}

/** Refusals by Fastify's router and Node's HTTP parser, before any route or hook runs (found by fuzzing). */
describe('router refusals', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite');
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should answer an over-long path parameter with 414 in the error envelope', async () => {
    const response = await test.gateway.app.inject({
      method: 'GET',
      url: `/v1/generations/${'x'.repeat(500)}`,
    });
    expect(response.statusCode).toBe(414);
    expect(ErrorBody.parse(response.json()).error.code).toBe('uri_too_long');
  });

  it('should answer a path that is not valid percent-encoding with 400 in the error envelope', async () => {
    const response = await test.gateway.app.inject({
      method: 'GET',
      url: '/v1/generations/%E0%A4%A',
    });
    expect(response.statusCode).toBe(400);
    expect(ErrorBody.parse(response.json()).error.code).toBe('invalid_request');
  });

  it.each([
    ['a Content-Length that is not a number', 'abc', '{}', 400, 'invalid_request'],
    ['a negative Content-Length', '-1', '{}', 400, 'invalid_request'],
  ])('should answer %s in the error envelope', async (_name, length, body, status, code) => {
    const answer = await rawExchange(
      test.url,
      `POST /v1/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`,
    );
    const parsed = parseAnswer(answer);
    expect(parsed.status).toBe(status);
    expect(ErrorBody.parse(parsed.body).error.code).toBe(code);
  });

  it('should answer headers larger than the server takes with 431 in the error envelope', async () => {
    const answer = await rawExchange(
      test.url,
      `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`,
    );
    const parsed = parseAnswer(answer);
    expect(parsed.status).toBe(431);
    expect(ErrorBody.parse(parsed.body).error.code).toBe('headers_too_large');
  });
});
