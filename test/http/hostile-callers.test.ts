import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** Opens a raw connection, writes `head` and `body`, and collects what comes back until close. */
function rawRequest(url: string, head: string, body: Buffer) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(received).toString('utf8')));
    socket.on('error', () => undefined);
  });
  socket.write(head);
  socket.write(body);
  const firstAnswer = new Promise<string>((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
  });
  return { socket, closed, firstAnswer };
}

describe('hostile callers: callbacks and slow bodies cost no unbounded memory', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'simulator', type: 'simulator' },
        // Only its callback route is exercised; nothing is ever sent to this address.
        {
          id: 'runware',
          type: 'runware',
          apiKey: 'hostile-test-key',
          baseUrl: 'http://127.0.0.1:9/v1',
          webhookSecret: 'hostile-callers-webhook-secret',
        },
      ],
      health: { checkIntervalSeconds: 0 },
      requestTimeoutSeconds: 1,
      webhooks: { inboundBodyLimitBytes: 64 * 1024 },
    });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should refuse a callback for a provider that does not exist before reading its body', async () => {
    // Announces 50 MiB and sends 1 KiB: the answer comes without the body ever being awaited.
    const call = rawRequest(
      test.url,
      'POST /v1/providers/no-such-provider/webhook HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 52428800\r\n\r\n',
      Buffer.alloc(1024, 0x20),
    );
    const answer = await call.firstAnswer;
    call.socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"error":{"code":');
  });

  it('should refuse a callback larger than the limit with 413', async () => {
    const response = await fetch(`${test.url}/v1/providers/runware/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: 'x'.repeat(100 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  it('should close a request whose body never finishes arriving', async () => {
    const call = rawRequest(
      test.url,
      'POST /v1/generations HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n',
      Buffer.from('{"model":"sim-image",'),
    );
    // The server gives up on the request (408) and closes the connection: nothing is held.
    const everything = await call.closed;
    expect(everything).toMatch(/^HTTP\/1\.1 408 /);
  });
});
