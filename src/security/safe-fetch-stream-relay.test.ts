import { describe, expect, it } from 'vitest';
import { GatewayError, SsrfBlockedError } from '../core/errors/index.js';
import { safeFetchStream } from './safe-fetch.js';
import { SsrfGuard } from './ssrf-guard.js';
import { options, rejectionOf, startServer } from '../../test/helpers/loopback-server.js';

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('safeFetchStream relaying a file', () => {
  it('should return the status and headers at once and the body as it streams', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.write('first ');
      setImmediate(() => res.end('second'));
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetchStream(`${server.url}/file`, options(guard));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('video/mp4');
    expect((await readAll(response.body)).toString()).toBe('first second');
  });

  it('should error the stream once more than maxBytes arrived without a Content-Length', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(1024));
      setImmediate(() => res.end(Buffer.alloc(1024)));
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetchStream(server.url, options(guard, { maxBytes: 1500 }));
    const error = await rejectionOf(readAll(response.body));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('download_too_large');
  });

  it('should refuse a declared size over the cap, and unlisted private hosts, before streaming', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': 4096 });
      res.end(Buffer.alloc(4096));
    });
    const allowed = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const tooLarge = await rejectionOf(
      safeFetchStream(server.url, options(allowed, { maxBytes: 2048 })),
    );
    expect((tooLarge as GatewayError).code).toBe('download_too_large');
    const blocked = await rejectionOf(safeFetchStream(server.url, options(new SsrfGuard({}))));
    expect(blocked).toBeInstanceOf(SsrfBlockedError);
  });
});
