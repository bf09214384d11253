import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { SafeFetchOptions } from '../../src/security/safe-fetch.js';
import type { SsrfGuard } from '../../src/security/ssrf-guard.js';

/** Loopback servers for the safe-fetch tests; every one is closed after each test. */
export interface TestServer {
  port: number;
  /** `127.0.0.1:<port>`, the form `allowedPrivateHosts` takes. */
  hostPort: string;
  url: string;
  requests: IncomingMessage[];
}

export const openServers: Array<ReturnType<typeof createServer>> = [];

afterEach(async () => {
  for (const server of openServers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

export async function startServer(
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

export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject.');
}

export function options(guard: SsrfGuard, extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions {
  return { guard, maxBytes: 1024 * 1024, timeoutMs: 5000, ...extra };
}

export const okHandler = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello');
};
