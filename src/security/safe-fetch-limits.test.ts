import { describe, expect, it } from 'vitest';
import { GatewayError, SsrfBlockedError } from '../core/errors/index.js';
import { safeFetch } from './safe-fetch.js';
import { SsrfGuard } from './ssrf-guard.js';
import {
  okHandler,
  openServers,
  options,
  rejectionOf,
  startServer,
} from '../../test/helpers/loopback-server.js';

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
    const error = await rejectionOf(safeFetch(server.url, options(guard, { timeoutMs: 300 })));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('download_timeout');
    expect((error as GatewayError).httpStatus).toBe(504);
    expect((error as GatewayError).isRetryable).toBe(true);
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
