import { describe, expect, it } from 'vitest';
import { GatewayError, SsrfBlockedError } from '../core/errors/index.js';
import { downloadToBuffer, safeFetch } from './safe-fetch.js';
import { SsrfGuard } from './ssrf-guard.js';
import {
  okHandler,
  options,
  rejectionOf,
  startServer,
} from '../../test/helpers/loopback-server.js';

describe('safeFetch: blocked destinations', () => {
  it('refuses loopback, metadata and disguised loopback URLs by default without connecting', async () => {
    const server = await startServer(okHandler);
    const guard = new SsrfGuard();
    const cases: Array<[string, string]> = [
      [`http://127.0.0.1:${server.port}/`, 'private_address'],
      [`http://localhost:${server.port}/`, 'localhost'],
      [`http://LOCALHOST.:${server.port}/`, 'localhost'],
      [`http://app.localhost:${server.port}/`, 'localhost'],
      ['http://169.254.169.254/latest/meta-data/iam/', 'metadata_endpoint'],
      ['http://metadata.google.internal/computeMetadata/v1/', 'metadata_endpoint'],
      [`http://[::1]:${server.port}/`, 'private_address'],
      [`http://0x7f000001:${server.port}/`, 'private_address'],
      [`http://2130706433:${server.port}/`, 'private_address'],
      [`http://[::ffff:127.0.0.1]:${server.port}/`, 'private_address'],
      ['http://10.0.0.5/', 'private_address'],
      ['http://0.0.0.0/', 'private_address'],
    ];
    for (const [url, reason] of cases) {
      const error = await rejectionOf(safeFetch(url, options(guard)));
      expect(error, url).toBeInstanceOf(SsrfBlockedError);
      expect((error as SsrfBlockedError).code).toBe('url_not_allowed');
      expect((error as SsrfBlockedError).httpStatus).toBe(400);
      expect((error as SsrfBlockedError).details?.reason, url).toBe(reason);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('rejects non-http schemes', async () => {
    const guard = new SsrfGuard({ allowPrivate: true });
    for (const url of [
      'file:///etc/passwd',
      'ftp://example.com/a.png',
      'data:image/png;base64,iVBORw0KGgo=',
      'gopher://127.0.0.1:6379/_INFO',
      'javascript:alert(1)',
    ]) {
      const error = await rejectionOf(safeFetch(url, options(guard)));
      expect(error, url).toBeInstanceOf(SsrfBlockedError);
      expect((error as SsrfBlockedError).details?.reason, url).toBe('scheme_not_allowed');
    }
  });

  it('rejects credentials in the URL and keeps query strings out of error details', async () => {
    const server = await startServer(okHandler);
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const error = await rejectionOf(
      safeFetch(`http://user:pw@${server.hostPort}/x?token=secret`, options(guard)),
    );
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect((error as SsrfBlockedError).details).toEqual({
      url: `http://${server.hostPort}/x`,
      reason: 'credentials_in_url',
    });
    expect((error as SsrfBlockedError).message).not.toContain('secret');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a name when any of its addresses is private, even if the first is public', async () => {
    const guard = new SsrfGuard({
      resolver: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    const error = await rejectionOf(safeFetch('http://mixed.example.test/', options(guard)));
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect((error as SsrfBlockedError).details?.reason).toBe('resolves_to_private_address');
  });
});

describe('safeFetch: allowed destinations', () => {
  it('fetches a loopback server listed by host:port in allowedPrivateHosts', async () => {
    const server = await startServer(okHandler);
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetch(`${server.url}/a.png`, options(guard));
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('hello');
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.url).toBe(`${server.url}/a.png`);

    // The entry names one port; the same host on another port is still refused.
    const other = new SsrfGuard({ allowedPrivateHosts: [`127.0.0.1:${server.port + 1}`] });
    const error = await rejectionOf(safeFetch(`${server.url}/a.png`, options(other)));
    expect(error).toBeInstanceOf(SsrfBlockedError);
  });

  it('fetches a loopback server with allowPrivate', async () => {
    const server = await startServer(okHandler);
    const response = await safeFetch(server.url, options(new SsrfGuard({ allowPrivate: true })));
    expect(response.body.toString()).toBe('hello');
  });

  it('connects to the address the guard resolved, keeping the original Host', async () => {
    const server = await startServer(okHandler);
    // No real DNS knows this name: the request can only arrive if the socket was pinned to
    // the guard's answer rather than looked up again.
    const guard = new SsrfGuard({
      allowedPrivateHosts: [`files.example.test:${server.port}`],
      resolver: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const response = await safeFetch(
      `http://files.example.test:${server.port}/x`,
      options(guard, {
        method: 'POST',
        body: 'payload',
        headers: { 'Content-Type': 'text/plain' },
      }),
    );
    expect(response.status).toBe(200);
    expect(server.requests[0]?.headers.host).toBe(`files.example.test:${server.port}`);
    expect(server.requests[0]?.method).toBe('POST');
  });

  it('returns non-2xx responses instead of throwing', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"nope"}');
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetch(server.url, options(guard));
    expect(response.status).toBe(404);
    expect(response.body.toString()).toBe('{"error":"nope"}');
  });
});

describe('downloadToBuffer', () => {
  it('returns the body and content type of a 2xx answer', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const { data, contentType } = await downloadToBuffer(server.url, options(guard));
    expect(contentType).toBe('image/png');
    expect([...data]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('throws download_failed, retryable only for 5xx and 429', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(Number(req.url?.slice(1)));
      res.end();
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    for (const [status, retryable] of [
      [404, false],
      [403, false],
      [429, true],
      [500, true],
      [503, true],
    ] as const) {
      const error = await rejectionOf(downloadToBuffer(`${server.url}/${status}`, options(guard)));
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('download_failed');
      expect((error as GatewayError).httpStatus).toBe(502);
      expect((error as GatewayError).isRetryable, String(status)).toBe(retryable);
      expect((error as GatewayError).details?.status).toBe(status);
    }
  });
});
