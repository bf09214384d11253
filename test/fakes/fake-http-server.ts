import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { echoCredentials } from './echo-credentials.js';

/** A request as the fake saw it. */
export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** The body parsed as JSON (undefined when empty or not JSON). */
  json: unknown;
}

/** What a fake route answers. */
export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body. */
  json?: unknown;
  /** Raw body (takes precedence over `json`). */
  body?: Buffer | string;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/**
 * A tiny HTTP server on 127.0.0.1:0 for provider fakes: one handler function, a log of every
 * request, and clean shutdown even with hanging requests.
 */
export class FakeHttpServer {
  readonly requests: FakeRequest[] = [];
  /** When set, error answers quote the request's credentials (see `echo-credentials.ts`). */
  echoKeyInErrors = false;
  /** Error answers that did quote them. */
  echoedKeys = 0;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
  ) {}

  static async start(handler: FakeHandler): Promise<FakeHttpServer> {
    // The request listener is created before the instance it dispatches to.
    const holder: { fake?: FakeHttpServer } = {};
    const server = createServer((incoming, outgoing) => {
      void holder.fake?.handle(incoming, outgoing, handler);
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeHttpServer(server, `http://127.0.0.1:${port}`);
    return holder.fake;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    handler: FakeHandler,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(incoming.url ?? '/', 'http://fake');
    let json: unknown;
    try {
      json = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(incoming.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const request: FakeRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      rawBody,
      json,
    };
    this.requests.push(request);
    let response: FakeResponse;
    try {
      response = await handler(request);
    } catch (error) {
      response = {
        status: 500,
        json: { error: `fake handler crashed: ${(error as Error).message}` },
      };
    }
    if (this.echoKeyInErrors) {
      const echo = echoCredentials(request, response);
      response = echo.response;
      if (echo.echoed) this.echoedKeys++;
    }
    if (response.hang) {
      this.hanging.add(outgoing);
      outgoing.on('close', () => this.hanging.delete(outgoing));
      return;
    }
    const body =
      response.body ?? (response.json === undefined ? '' : JSON.stringify(response.json));
    const contentType =
      response.body === undefined && response.json !== undefined
        ? { 'content-type': 'application/json' }
        : {};
    outgoing.writeHead(response.status ?? 200, { ...contentType, ...response.headers });
    outgoing.end(body);
  }
}

/** The error scenarios every provider fake supports (see the contract suite). */
export type FakeScenario =
  | 'ok'
  | 'auth_error'
  | 'insufficient_credits'
  | 'rate_limited'
  | 'server_error'
  | 'malformed_json'
  | 'hang'
  | 'invalid_request';

/** A tiny valid PNG (1×1) fakes can serve as a generated image. */
export const onePixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);
