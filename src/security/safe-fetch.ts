import type { LookupFunction } from 'node:net';
import { pipeline, Transform, type Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/errors/index.js';
import type { ResolvedAddress, SsrfGuard } from './ssrf-guard.js';

/** Options of {@link safeFetch} and {@link downloadToBuffer}. */
export interface SafeFetchOptions {
  /** Decides which URLs (the first and every redirect hop) may be fetched. */
  guard: SsrfGuard;
  /** HTTP method; default `GET`. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Largest response body accepted, in bytes; larger ones fail with `download_too_large`. */
  maxBytes: number;
  /** Budget for the whole exchange: DNS, connect, every redirect hop and the body. */
  timeoutMs: number;
  /** Redirects followed before failing with `download_failed`; default 3. */
  maxRedirects?: number;
  /** Caller cancellation; when it fires the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What {@link safeFetch} returns: the final response, whatever its status. */
export interface SafeFetchResponse {
  status: number;
  /** Response headers with lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that produced this response, after redirects. */
  url: string;
}

/** What {@link safeFetchStream} returns: the final response, its body not read yet. */
export interface SafeFetchStreamResponse {
  status: number;
  /** Response headers with lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /**
   * The body as it arrives, capped at `maxBytes` (the stream errors with `download_too_large`
   * past it). Read it to the end or destroy it: the connection is held until then.
   */
  body: Readable;
  /** The URL that produced this response, after redirects. */
  url: string;
}

const redirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
// On a redirect to another origin only these caller headers survive: any other one may be a
// credential for the first origin (Authorization, Cookie, but also x-goog-api-key, x-api-key…).
const portableHeaders: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'user-agent',
  'content-type',
  'content-length',
]);

/**
 * The single way the gateway fetches a URL on someone's behalf (provider result downloads,
 * client input images, outbound webhooks).
 *
 * Every hop is checked by the guard, resolved once, and the socket is pinned to that vetted
 * address (TLS still verifies the original hostname), so a DNS answer that changes between the
 * check and the connect cannot redirect us inside the network. Redirects are followed by hand
 * and re-checked; credentials headers are dropped when one crosses origins. The body is
 * streamed with a hard `maxBytes` cap.
 *
 * Non-2xx responses are returned, not thrown.
 * @throws SsrfBlockedError (`url_not_allowed`, 400) when any hop is refused.
 * @throws GatewayError `download_too_large` (413), `download_timeout` (504, retryable),
 *   `download_failed` (502; retryable for network errors, not for too many redirects).
 */
export function safeFetch(
  url: string | URL,
  options: SafeFetchOptions,
): Promise<SafeFetchResponse> {
  return fetchGuarded(url, options, readWhole);
}

/**
 * {@link safeFetch} for bodies relayed as they arrive (large files streamed to a client): the
 * same guard on every hop, pinned sockets and redirect handling, but the body is returned
 * unread, capped at `maxBytes` while it streams. `timeoutMs` bounds everything up to the
 * response headers, then each wait for the next chunk (a slow reader is not cut off, a stalled
 * upstream is).
 *
 * @example
 * const upstream = await safeFetchStream(url, { guard, maxBytes, timeoutMs, maxRedirects: 0 });
 * return reply.status(upstream.status).send(upstream.body);
 */
export function safeFetchStream(
  url: string | URL,
  options: SafeFetchOptions,
): Promise<SafeFetchStreamResponse> {
  return fetchGuarded(url, options, streamCapped);
}

async function fetchGuarded<Body>(
  url: string | URL,
  options: SafeFetchOptions,
  read: BodyReader<Body>,
): Promise<FinalResponse<Body>> {
  const { guard, maxBytes, timeoutMs } = options;
  const maxRedirects = options.maxRedirects ?? 3;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal =
    options.signal === undefined
      ? timeout.signal
      : AbortSignal.any([options.signal, timeout.signal]);

  let current: URL | undefined;
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }

  try {
    current = guard.checkUrl(url);
    for (let redirects = 0; ; redirects++) {
      const resolved = await untilAborted(guard.resolve(current), signal);
      const hop = await fetchPinned(
        current,
        resolved,
        { method, headers, body, maxBytes, timeoutMs, signal },
        read,
      );
      if (hop.kind === 'response') return hop.response;

      if (redirects >= maxRedirects) {
        throw new GatewayError({
          code: 'download_failed',
          message: `Gave up after ${maxRedirects} redirects fetching ${displayUrl(url)}.`,
          httpStatus: 502,
          details: { url: displayUrl(url), reason: 'too_many_redirects' },
        });
      }
      let next: URL;
      try {
        next = new URL(hop.location, current);
      } catch (error) {
        throw new GatewayError({
          code: 'download_failed',
          message: `${displayUrl(current)} redirected to an invalid URL.`,
          httpStatus: 502,
          details: { url: displayUrl(current), reason: 'invalid_redirect' },
          cause: error,
        });
      }
      next = guard.checkUrl(next);
      if (next.origin !== current.origin) {
        for (const name of Object.keys(headers))
          if (!portableHeaders.has(name.toLowerCase())) delete headers[name];
      }
      // Same method rewriting as browsers (Fetch spec, HTTP-redirect fetch step 12).
      if ((hop.status === 303 && method !== 'HEAD') || (hop.status <= 302 && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      }
      current = next;
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    if (options.signal?.aborted === true) throw options.signal.reason;
    const shown = displayUrl(current ?? url);
    if (timeout.signal.aborted) {
      throw new GatewayError({
        code: 'download_timeout',
        message: `Fetching ${shown} took longer than ${timeoutMs} ms.`,
        httpStatus: 504,
        isRetryable: true,
        details: { url: shown, timeoutMs },
        cause: error,
      });
    }
    throw new GatewayError({
      code: 'download_failed',
      message: `Fetching ${shown} failed: ${describeNetworkError(error)}.`,
      httpStatus: 502,
      isRetryable: true,
      details: { url: shown, reason: describeNetworkError(error) },
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * {@link safeFetch} for callers that only want a 2xx body (input images, provider results).
 * @throws GatewayError `download_failed` (502) on a non-2xx answer; retryable for 5xx and 429,
 *   not for other 4xx. Plus everything {@link safeFetch} throws.
 */
export async function downloadToBuffer(
  url: string | URL,
  options: SafeFetchOptions,
): Promise<{ data: Buffer; contentType: string | undefined }> {
  const response = await safeFetch(url, options);
  if (response.status < 200 || response.status > 299) {
    const shown = displayUrl(response.url);
    throw new GatewayError({
      code: 'download_failed',
      message: `Fetching ${shown} returned HTTP ${response.status}.`,
      httpStatus: 502,
      isRetryable: response.status >= 500 || response.status === 429,
      details: { url: shown, status: response.status },
    });
  }
  return { data: response.body, contentType: response.headers['content-type'] };
}

/** A final (non-redirect) response with its body as `read` made it. */
interface FinalResponse<Body> {
  status: number;
  headers: Record<string, string>;
  body: Body;
  url: string;
}

type HopResult<Body> =
  | { kind: 'response'; response: FinalResponse<Body> }
  | { kind: 'redirect'; status: number; location: string };

/**
 * Turns a final response's body into what the caller gets. `keepOpen` hands the connection
 * over: the reader then calls the returned release when the body is done.
 */
type BodyReader<Body> = (
  body: Dispatcher.ResponseData['body'],
  limits: { shown: string; maxBytes: number },
  keepOpen: () => () => void,
) => Promise<Body>;

/** Reads the whole body under the cap (the buffered {@link safeFetch}). */
const readWhole: BodyReader<Buffer> = async (body, { shown, maxBytes }) => {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    // Checked per chunk because Content-Length can be absent (chunked) or lie.
    if (total > maxBytes) {
      discard(body);
      throw tooLarge(shown, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
};

/** Hands the body on as a stream that errors past the cap ({@link safeFetchStream}). */
const streamCapped: BodyReader<Readable> = async (body, { shown, maxBytes }, keepOpen) => {
  const release = keepOpen();
  let total = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      // Content-Length can be absent (chunked) or lie: the cap holds while the bytes flow.
      if (total > maxBytes) done(tooLarge(shown, maxBytes));
      else done(null, chunk);
    },
  });
  // Ends, errors and a reader that goes away (the stream destroyed) all free the connection.
  pipeline(body, capped, () => release());
  return capped;
};

interface HopOptions {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** One request whose socket can only go to `resolved`, with the body read under the cap. */
async function fetchPinned<Body>(
  url: URL,
  resolved: ResolvedAddress,
  options: HopOptions,
  read: BodyReader<Body>,
): Promise<HopResult<Body>> {
  // One agent per hop: its lookup answers with this hop's vetted address only, and nothing
  // pooled can be reused by a later hop that points somewhere else.
  const agent = new Agent({
    connect: { lookup: pinnedLookup(url.hostname, resolved) },
    connections: 1,
    // Backstops only; the overall timeout normally fires first.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  let handedOver = false;
  const destroy = (): void => void agent.destroy().catch(() => undefined);
  try {
    const response = await request(url, {
      dispatcher: agent,
      method: options.method as Dispatcher.HttpMethod,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
    const location = headerValue(response.headers['location']);
    if (redirectStatuses.has(response.statusCode) && location !== undefined) {
      await response.body.dump();
      return { kind: 'redirect', status: response.statusCode, location };
    }

    const shown = displayUrl(url);
    const declared = Number(headerValue(response.headers['content-length']));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      discard(response.body);
      throw tooLarge(shown, options.maxBytes);
    }
    const body = await read(response.body, { shown, maxBytes: options.maxBytes }, () => {
      handedOver = true;
      return destroy;
    });
    return {
      kind: 'response',
      response: {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body,
        url: url.href,
      },
    };
  } finally {
    if (!handedOver) await agent.destroy().catch(() => undefined);
  }
}

/**
 * A `lookup` for `net.connect` that never asks DNS again: it answers with the address the guard
 * already vetted. Handles both call shapes (`all: true` is used by Node's happy-eyeballs).
 */
function pinnedLookup(hostname: string, resolved: ResolvedAddress): LookupFunction {
  return (requested, lookupOptions, callback) => {
    if (requested !== hostname) {
      callback(new Error(`Refusing to look up ${requested}; this connection is pinned.`), '');
      return;
    }
    if (lookupOptions.all === true) {
      callback(null, [{ address: resolved.address, family: resolved.family }]);
    } else {
      callback(null, resolved.address, resolved.family);
    }
  };
}

/** Rejects as soon as `signal` fires; DNS lookups themselves cannot be cancelled. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Stops reading a body we will not use. undici errors a body destroyed before its end with
 * `RequestAbortedError`; with nobody listening that would surface as an uncaught exception.
 */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function tooLarge(shown: string, maxBytes: number): GatewayError {
  return new GatewayError({
    code: 'download_too_large',
    message: `The response from ${shown} is larger than the ${maxBytes}-byte limit.`,
    httpStatus: 413,
    details: { url: shown, maxBytes },
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.message;
  }
  return String(error);
}

/** The URL as it may appear in errors: no query string or fragment (signed tokens), no userinfo. */
function displayUrl(url: string | URL): string {
  try {
    const copy = new URL(typeof url === 'string' ? url : url.href);
    copy.search = '';
    copy.hash = '';
    copy.username = '';
    copy.password = '';
    return copy.href;
  } catch {
    return String(url).split(/[?#]/, 1)[0]!.slice(0, 200);
  }
}
