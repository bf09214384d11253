import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/errors/index.js';
import { safeFetch } from '../../security/safe-fetch.js';
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

/**
 * Relays a file from an allowed provider CDN host: fetched through the SSRF-safe helper (every
 * address vetted, no redirects followed, so the allow-list cannot be escaped through a
 * redirect), capped at `maxBytes`, with the client's Range forwarded. A CDN that ignores Range
 * answers the whole file and the range is cut here, so the client gets its 206 (or 416) either
 * way. The body is held in memory up to the cap (the helper reads bodies whole).
 */
export async function sendCdnFile(
  request: FastifyRequest,
  reply: FastifyReply,
  url: string,
  options: CdnDownloadOptions,
): Promise<FastifyReply> {
  const range = request.headers.range;
  const upstream = await safeFetch(url, {
    guard: options.guard,
    headers: range ? { range } : {},
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    maxRedirects: 0,
  });
  const contentType = upstream.headers['content-type'] ?? 'application/octet-stream';
  reply.header('content-type', contentType);
  reply.header('accept-ranges', 'bytes');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', 'private, max-age=3600');
  if (upstream.status === 206 || upstream.status === 416) {
    const contentRange = upstream.headers['content-range'];
    if (contentRange) reply.header('content-range', contentRange);
    return reply.status(upstream.status).send(upstream.body);
  }
  if (upstream.status !== 200) {
    throw new GatewayError({
      code: 'download_failed',
      message: `The provider CDN answered HTTP ${upstream.status}.`,
      httpStatus: 502,
      isRetryable: upstream.status >= 500 || upstream.status === 429,
      details: { status: upstream.status },
    });
  }
  const size = upstream.body.length;
  const wanted = parseRange(range, size);
  if (wanted === null) {
    reply.header('content-range', `bytes */${size}`);
    throw new GatewayError({
      code: 'range_not_satisfiable',
      message: `Range not satisfiable for a ${size}-byte file.`,
      httpStatus: 416,
    });
  }
  if (wanted) {
    reply.header('content-range', `bytes ${wanted.start}-${wanted.end}/${size}`);
    return reply.status(206).send(upstream.body.subarray(wanted.start, wanted.end + 1));
  }
  return reply.status(200).send(upstream.body);
}
