import type { LookupFunction } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/errors/index.js';
import { displayUrl, networkFailure, notOk, timedOut, tooLarge } from './download-errors.js';
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

/** What {@link safeFetchStream} returns: the body as a stream, capped at `maxBytes`. */
export interface SafeFetchStreamResponse extends Omit<SafeFetchResponse, 'body'> {
  /**
   * The body. It errors with `download_too_large` past `maxBytes`, `download_timeout` past
   * `timeoutMs` (counted from the request, body included) and `download_failed` when the
   * connection breaks; destroying it closes the connection.
   */
  body: Readable;
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
export async function safeFetch(
  url: string | URL,
  options: SafeFetchOptions,
): Promise<SafeFetchResponse> {
  const response = await exchange(url, options, false);
  return { ...response, body: response.body ?? Buffer.alloc(0) };
}

/**
 * {@link safeFetch} with the body as a stream, for files too large to hold (provider videos,
 * CDN files relayed to a client): the same guard, pinning, redirects and limits. Non-2xx
 * responses are returned, not thrown (a relay passes 206 and 416 on); destroy the body of one
 * you do not read.
 */
export async function safeFetchStream(
  url: string | URL,
  options: SafeFetchOptions,
): Promise<SafeFetchStreamResponse> {
  const response = await exchange(url, options, true);
  if (!response.stream) throw new Error('no body stream');
  return {
    status: response.status,
    headers: response.headers,
    url: response.url,
    body: response.stream,
  };
}

/**
 * {@link safeFetchStream} for a file that must be there: a non-2xx answer is `download_failed`
 * as in {@link downloadToBuffer}, so the stream is always a success body.
 */
export async function downloadStream(
  url: string | URL,
  options: SafeFetchOptions,
): Promise<SafeFetchStreamResponse> {
  const response = await safeFetchStream(url, options);
  if (response.status < 200 || response.status > 299) {
    response.body.destroy();
    throw notOk(response.url, response.status);
  }
  return response;
}

interface Exchanged extends Omit<SafeFetchResponse, 'body'> {
  body?: Buffer;
  stream?: Readable;
}

async function exchange(
  url: string | URL,
  options: SafeFetchOptions,
  streamed: boolean,
): Promise<Exchanged> {
  const { guard, maxBytes, timeoutMs } = options;
  const maxRedirects = options.maxRedirects ?? 3;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal =
    options.signal === undefined
      ? timeout.signal
      : AbortSignal.any([options.signal, timeout.signal]);

  let current: URL | undefined;
  // A streamed body keeps the deadline running until it is read; the stream clears it.
  let keepTimer = false;
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
      const hop = await fetchPinned(current, resolved, {
        method,
        headers,
        body,
        maxBytes,
        timeoutMs,
        signal,
        streamed,
        describeFailure: (error) =>
          timeout.signal.aborted
            ? timedOut(displayUrl(url), timeoutMs, error)
            : networkFailure(displayUrl(url), error),
      });
      if (hop.kind === 'response') {
        if (hop.response.stream) {
          keepTimer = true;
          hop.response.stream.once('close', () => clearTimeout(timer));
        }
        return hop.response;
      }

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
    if (timeout.signal.aborted) throw timedOut(shown, timeoutMs, error);
    throw networkFailure(shown, error);
  } finally {
    if (!keepTimer) clearTimeout(timer);
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
  if (response.status < 200 || response.status > 299) throw notOk(response.url, response.status);
  return { data: response.body, contentType: response.headers['content-type'] };
}

type HopResult =
  | { kind: 'response'; response: Exchanged }
  | { kind: 'redirect'; status: number; location: string };

interface HopOptions {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** Hand the body over as a stream (the agent then lives until the stream closes). */
  streamed: boolean;
  /** The error a broken streamed body ends with. */
  describeFailure: (error: unknown) => GatewayError;
}

/** One request whose socket can only go to `resolved`, with the body read under the cap. */
async function fetchPinned(
  url: URL,
  resolved: ResolvedAddress,
  options: HopOptions,
): Promise<HopResult> {
  // One agent per hop: its lookup answers with this hop's vetted address only, and nothing
  // pooled can be reused by a later hop that points somewhere else.
  const agent = new Agent({
    connect: { lookup: pinnedLookup(url.hostname, resolved) },
    connections: 1,
    // Backstops only; the overall timeout normally fires first.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  let agentOwnedByStream = false;
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
    if (options.streamed) {
      agentOwnedByStream = true;
      return {
        kind: 'response',
        response: {
          status: response.statusCode,
          headers: flattenHeaders(response.headers),
          stream: cappedStream(response.body, options, shown, () => agent.destroy()),
          url: url.href,
        },
      };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      // Checked per chunk because Content-Length can be absent (chunked) or lie.
      if (total > options.maxBytes) {
        discard(response.body);
        throw tooLarge(shown, options.maxBytes);
      }
      chunks.push(chunk);
    }
    return {
      kind: 'response',
      response: {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: Buffer.concat(chunks, total),
        url: url.href,
      },
    };
  } finally {
    if (!agentOwnedByStream) await agent.destroy().catch(() => undefined);
  }
}

/**
 * The body as a stream that errors once more than `maxBytes` arrived (Content-Length can be
 * absent or lie) and turns connection errors into gateway errors; closing it, for whatever
 * reason, releases the connection.
 */
function cappedStream(
  body: Dispatcher.ResponseData['body'],
  options: HopOptions,
  shown: string,
  release: () => Promise<void>,
): Readable {
  const output = new PassThrough();
  let total = 0;
  body.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > options.maxBytes) {
      output.destroy(tooLarge(shown, options.maxBytes));
      return;
    }
    // Backpressure: a slow store slows the download instead of filling memory.
    if (!output.write(chunk)) body.pause();
  });
  output.on('drain', () => body.resume());
  body.on('end', () => output.end());
  body.on('error', (error) => output.destroy(options.describeFailure(error)));
  output.on('close', () => {
    if (!body.destroyed) discard(body);
    void release().catch(() => undefined);
  });
  return output;
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
