import { Pool } from 'undici';

/** What the provider answered, before any mapping. */
export interface RawProviderResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** One request on the wire. */
export interface RawProviderRequest {
  method: string;
  headers: Record<string, string>;
  body: FormData | string | undefined;
  signal: AbortSignal;
}

/** Thrown when the provider answered with a redirect, which is never followed. */
export class RedirectRefusedError extends Error {
  constructor(status: number) {
    super(`redirect refused (HTTP ${status})`);
  }
}

// One keep-alive pool per provider origin, shared by every client of that origin: a provider
// call reuses a warm connection, and `Pool.request` skips the WHATWG machinery of `fetch`
// (streams, Request/Response objects), about a third of the client CPU per call measured on
// loopback (bench/openai-proxy.ts, issue 14).
const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin);
    pools.set(origin, pool);
  }
  return pool;
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.append(name, value);
  }
  return headers;
}

/**
 * Sends one provider request and reads the whole answer. JSON and text bodies go through the
 * origin's pool; multipart bodies (`FormData`) through `fetch`, which encodes them. Redirects
 * are refused either way (a provider URL is only ever the configured base URL).
 */
export async function sendProviderRequest(
  url: URL,
  request: RawProviderRequest,
): Promise<RawProviderResponse> {
  if (typeof request.body !== 'string' && request.body !== undefined) {
    const response = await fetch(url, { ...request, redirect: 'error' });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }
  const response = await poolFor(url.origin).request({
    path: `${url.pathname}${url.search}`,
    method: request.method as 'GET',
    headers: request.headers,
    body: request.body,
    signal: request.signal,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300 && response.statusCode < 400)
    throw new RedirectRefusedError(response.statusCode);
  return { status: response.statusCode, headers: toHeaders(response.headers), text };
}
