import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { options, rejectionOf, startServer } from '../../test/helpers/loopback-server.js';
import { downloadStream, safeFetchStream } from './safe-fetch.js';
import { SsrfGuard } from './ssrf-guard.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes `total` bytes in 64 KiB chunks without a Content-Length (chunked encoding). */
function chunkedBody(total: number) {
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'video/mp4' });
    let sent = 0;
    const next = () => {
      while (sent < total) {
        const size = Math.min(65_536, total - sent);
        sent += size;
        if (!res.write(Buffer.alloc(size, sent % 251))) return void res.once('drain', next);
      }
      res.end();
    };
    next();
  };
}

describe('safeFetchStream', () => {
  it('should stream a body through the guard and limits', async () => {
    const server = await startServer(chunkedBody(3 * 1024 * 1024));
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetchStream(
      `${server.url}/video`,
      options(guard, { maxBytes: 4 * 1024 * 1024 }),
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('video/mp4');
    expect((await readAll(response.body)).length).toBe(3 * 1024 * 1024);
  });

  it('should error the stream with download_too_large once a chunked body passes maxBytes', async () => {
    const server = await startServer(chunkedBody(3 * 1024 * 1024));
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetchStream(`${server.url}/video`, options(guard));
    const error = await rejectionOf(readAll(response.body));
    expect(error).toMatchObject({ code: 'download_too_large', httpStatus: 413 });
  });

  it('should return a non-2xx answer, and downloadStream throw download_failed for it (retryable for 5xx)', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(503);
      res.end('busy');
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const relayed = await safeFetchStream(`${server.url}/video`, options(guard));
    expect(relayed.status).toBe(503);
    relayed.body.destroy();
    const error = await rejectionOf(downloadStream(`${server.url}/video`, options(guard)));
    expect(error).toMatchObject({ code: 'download_failed', isRetryable: true });
  });

  it('should refuse a loopback URL the guard does not allow', async () => {
    const server = await startServer((_req, res) => res.end('x'));
    const error = await rejectionOf(safeFetchStream(`${server.url}/`, options(new SsrfGuard({}))));
    expect(error).toMatchObject({ code: 'url_not_allowed' });
  });
});
