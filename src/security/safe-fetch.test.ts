import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError, SsrfBlockedError } from '../core/errors/index.js';
import { downloadToBuffer, safeFetch } from './safe-fetch.js';
import type { SafeFetchOptions } from './safe-fetch.js';
import { SsrfGuard } from './ssrf-guard.js';

interface TestServer {
  port: number;
  /** `127.0.0.1:<port>`, the form `allowedPrivateHosts` takes. */
  hostPort: string;
  url: string;
  requests: IncomingMessage[];
}

const openServers: Array<ReturnType<typeof createServer>> = [];

afterEach(async () => {
  for (const server of openServers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const state: TestServer = { port: 0, hostPort: '', url: '', requests: [] };
  const server = createServer((req, res) => {
    state.requests.push(req);
    handler(req, res);
  });
  openServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.hostPort = `127.0.0.1:${state.port}`;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject.');
}

function options(guard: SsrfGuard, extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions {
  return { guard, maxBytes: 1024 * 1024, timeoutMs: 5000, ...extra };
}

const okHandler = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello');
};

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

describe('safeFetch: redirects', () => {
  it('follows redirects within allowed hosts and reports the final URL', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: '/final' });
        res.end();
      } else {
        res.end(`at ${req.url}`);
      }
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetch(`${server.url}/start`, options(guard));
    expect(response.body.toString()).toBe('at /final');
    expect(response.url).toBe(`${server.url}/final`);
  });

  it('blocks a redirect from an allowed server to a disallowed host', async () => {
    let target = '';
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: target });
      res.end();
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    for (const [to, reason] of [
      [`http://127.0.0.2:${server.port}/`, 'private_address'],
      ['http://169.254.169.254/latest/meta-data/', 'metadata_endpoint'],
      [`http://localhost:${server.port}/`, 'localhost'],
      ['file:///etc/passwd', 'scheme_not_allowed'],
    ] as const) {
      target = to;
      const error = await rejectionOf(safeFetch(`${server.url}/`, options(guard)));
      expect(error, to).toBeInstanceOf(SsrfBlockedError);
      expect((error as SsrfBlockedError).details?.reason, to).toBe(reason);
    }
  });

  it('drops Authorization on a cross-origin redirect but keeps it on a same-origin one', async () => {
    const second = await startServer((req, res) =>
      res.end(`${String(req.headers.authorization)} ${String(req.headers['x-goog-api-key'])}`),
    );
    const first = await startServer((req, res) => {
      if (req.url === '/same') {
        res.writeHead(307, { location: '/echo' });
        res.end();
      } else if (req.url === '/echo') {
        res.end(String(req.headers.authorization));
      } else {
        res.writeHead(307, { location: `${second.url}/` });
        res.end();
      }
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [first.hostPort, second.hostPort] });
    const auth = { headers: { Authorization: 'Bearer key', 'x-goog-api-key': 'google-key' } };

    // Any caller header may be a credential (x-goog-api-key): none crosses origins.
    const cross = await safeFetch(`${first.url}/cross`, options(guard, auth));
    expect(cross.body.toString()).toBe('undefined undefined');
    expect(first.requests[0]?.headers.authorization).toBe('Bearer key');

    const same = await safeFetch(`${first.url}/same`, options(guard, auth));
    expect(same.body.toString()).toBe('Bearer key');
  });

  it('turns a POST into a GET without body on 303', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/submit') {
        res.writeHead(303, { location: '/result' });
        res.end();
      } else {
        res.end(`${req.method} ${req.headers['content-length'] ?? 'no-body'}`);
      }
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const response = await safeFetch(
      `${server.url}/submit`,
      options(guard, {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(response.body.toString()).toBe('GET no-body');
  });

  it('fails after too many redirects', async () => {
    const server = await startServer((req, res) => {
      const n = Number(req.url?.slice(1) ?? '0');
      res.writeHead(302, { location: `/${n + 1}` });
      res.end();
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });

    const error = await rejectionOf(safeFetch(`${server.url}/0`, options(guard)));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('download_failed');
    expect((error as GatewayError).isRetryable).toBe(false);
    expect((error as GatewayError).details?.reason).toBe('too_many_redirects');
    // The default of 3 redirects means 4 requests in all.
    expect(server.requests).toHaveLength(4);

    server.requests.length = 0;
    const once = await rejectionOf(
      safeFetch(`${server.url}/0`, options(guard, { maxRedirects: 1 })),
    );
    expect((once as GatewayError).details?.reason).toBe('too_many_redirects');
    expect(server.requests).toHaveLength(2);
  });
});

describe('safeFetch: size and time limits', () => {
  it('rejects early when Content-Length exceeds maxBytes', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.end(Buffer.alloc(1000));
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const error = await rejectionOf(safeFetch(server.url, options(guard, { maxBytes: 999 })));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('download_too_large');
    expect((error as GatewayError).httpStatus).toBe(413);

    const exact = await safeFetch(server.url, options(guard, { maxBytes: 1000 }));
    expect(exact.body).toHaveLength(1000);
  });

  it('enforces maxBytes on a chunked body without Content-Length', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // Ten 100-byte chunks, no Content-Length: only counting while streaming can catch it.
      let sent = 0;
      const tick = (): void => {
        if (sent === 10) {
          res.end();
          return;
        }
        sent++;
        res.write(Buffer.alloc(100), () => setImmediate(tick));
      };
      tick();
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const error = await rejectionOf(safeFetch(server.url, options(guard, { maxBytes: 550 })));
    expect((error as GatewayError).code).toBe('download_too_large');

    const whole = await safeFetch(server.url, options(guard, { maxBytes: 1000 }));
    expect(whole.headers['content-length']).toBeUndefined();
    expect(whole.body).toHaveLength(1000);
  });

  it('times out on a server that never answers', async () => {
    const server = await startServer(() => {
      // Never respond.
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const started = Date.now();
    const error = await rejectionOf(safeFetch(server.url, options(guard, { timeoutMs: 300 })));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('download_timeout');
    expect((error as GatewayError).httpStatus).toBe(504);
    expect((error as GatewayError).isRetryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out on a body that stalls after the headers', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const error = await rejectionOf(safeFetch(server.url, options(guard, { timeoutMs: 300 })));
    expect((error as GatewayError).code).toBe('download_timeout');
  });

  it('rejects with the caller reason when the caller aborts', async () => {
    const server = await startServer(() => {
      // Never respond.
    });
    const guard = new SsrfGuard({ allowedPrivateHosts: [server.hostPort] });
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejectionOf(
      safeFetch(server.url, options(guard, { signal: controller.signal })),
    );
    expect(error).toBe(reason);
  });

  it('reports a refused connection as a retryable download_failed', async () => {
    const server = await startServer(okHandler);
    const guard = new SsrfGuard({ allowPrivate: true });
    const url = server.url;
    // Close it so the port is (almost certainly) unused.
    const closing = openServers.splice(0);
    for (const s of closing) await new Promise<void>((resolve) => s.close(() => resolve()));
    const error = await rejectionOf(safeFetch(url, options(guard)));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('download_failed');
    expect((error as GatewayError).httpStatus).toBe(502);
    expect((error as GatewayError).isRetryable).toBe(true);
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
