import { pipeline, Transform, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/errors/index.js';
import { safeFetchStream } from '../../security/safe-fetch.js';
import type { SsrfGuard } from '../../security/ssrf-guard.js';
import { parseRange } from './send-asset.js';

/** What a CDN download may use. */
export interface CdnDownloadOptions {
  guard: SsrfGuard;
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Whether `url` is on one of the operator's provider CDN hosts (`compat.s1.downloadHosts`):
 * an exact `host` / `host:port`, or `*.domain` for any subdomain of it (not the domain itself).
 */
export function isAllowedCdnUrl(url: string, hosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username || parsed.password) return false;
  const hostname = parsed.hostname.toLowerCase();
  return hosts.some((entry) => {
    const pattern = entry.toLowerCase();
    if (pattern.startsWith('*.')) return hostname.endsWith(pattern.slice(1));
    return pattern.includes(':') ? parsed.host.toLowerCase() === pattern : hostname === pattern;
  });
}

/** Passes on `[start, end]` (inclusive) of a stream and drops the rest. */
function sliceStream(start: number, end: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(end + 1 - offset, chunk.length);
      offset += chunk.length;
      done(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}

/**
 * A Range on a file the CDN sent whole without saying its size (no Content-Length): the size
 * is only known at the end, so this rare case is read into memory (under the cap) and cut.
 */
async function sendRangeOfUnsized(
  reply: FastifyReply,
  body: Readable,
  range: string,
): Promise<FastifyReply> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  const whole = Buffer.concat(chunks);
  const wanted = parseRange(range, whole.length);
  if (wanted === null) {
    reply.header('content-range', `bytes */${whole.length}`);
    throw new GatewayError({
      code: 'range_not_satisfiable',
      message: `Range not satisfiable for a ${whole.length}-byte file.`,
      httpStatus: 416,
    });
  }
  if (!wanted) return reply.status(200).send(whole);
  reply.header('content-range', `bytes ${wanted.start}-${wanted.end}/${whole.length}`);
  return reply.status(206).send(whole.subarray(wanted.start, wanted.end + 1));
}

/**
 * Relays a file from an allowed provider CDN host as it arrives (never whole in memory):
 * fetched through the SSRF-safe helper (every address vetted, no redirects followed, so the
 * allow-list cannot be escaped through a redirect), capped at `maxBytes`, with the client's
 * Range forwarded. A CDN that ignores Range answers the whole file and the range is cut here
 * from the stream, so the client gets its 206 (or 416) either way.
 */
export async function sendCdnFile(
  request: FastifyRequest,
  reply: FastifyReply,
  url: string,
  options: CdnDownloadOptions,
): Promise<FastifyReply> {
  const range = request.headers.range;
  const upstream = await safeFetchStream(url, {
    guard: options.guard,
    headers: range ? { range } : {},
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    maxRedirects: 0,
  });
  const { body, headers } = upstream;
  if (upstream.status !== 200 && upstream.status !== 206 && upstream.status !== 416) {
    body.destroy();
    throw new GatewayError({
      code: 'download_failed',
      message: `The provider CDN answered HTTP ${upstream.status}.`,
      httpStatus: 502,
      isRetryable: upstream.status >= 500 || upstream.status === 429,
      details: { status: upstream.status },
    });
  }
  reply.header('content-type', headers['content-type'] ?? 'application/octet-stream');
  reply.header('accept-ranges', 'bytes');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', 'private, max-age=3600');
  const declared = headers['content-length'];
  const size = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  if (upstream.status === 206 || upstream.status === 416) {
    const contentRange = headers['content-range'];
    if (contentRange) reply.header('content-range', contentRange);
    if (size !== undefined) reply.header('content-length', size);
    return reply.status(upstream.status).send(body);
  }
  if (range && size === undefined) return sendRangeOfUnsized(reply, body, range);
  // A whole file of known size: the client's range is cut from the stream.
  const wanted = size === undefined ? undefined : parseRange(range, size);
  if (wanted === null) {
    body.destroy();
    reply.header('content-range', `bytes */${size}`);
    throw new GatewayError({
      code: 'range_not_satisfiable',
      message: `Range not satisfiable for a ${size}-byte file.`,
      httpStatus: 416,
    });
  }
  if (wanted) {
    reply.header('content-range', `bytes ${wanted.start}-${wanted.end}/${size}`);
    reply.header('content-length', wanted.end - wanted.start + 1);
    const slice = sliceStream(wanted.start, wanted.end);
    // Errors of either side end both: the CDN connection is freed when the client goes away.
    pipeline(body, slice, () => undefined);
    return reply.status(206).send(slice);
  }
  if (size !== undefined) reply.header('content-length', size);
  return reply.status(200).send(body);
}
