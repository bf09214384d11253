import type { Config } from '../config/config-schema.js';

/**
 * Caller headers never sent upstream: the caller's own credentials (the gateway key must never
 * reach a vendor), hop-by-hop headers, and what the forwarder sets itself. Everything else
 * (`content-type`, `accept`, `x-runway-version`, …) belongs to the upstream API and passes.
 */
const droppedRequestHeaders = new Set([
  'authorization',
  'x-api-key',
  'proxy-authorization',
  'cookie',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'accept-encoding',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** Upstream headers not passed back: hop-by-hop ones, and cookies of the vendor's domain. */
const droppedResponseHeaders = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'set-cookie',
]);

type HeaderValues = Record<string, string | string[] | undefined>;

/** The headers of an upstream call: the caller's upstream headers plus the channel's key. */
export function upstreamRequestHeaders(
  incoming: HeaderValues,
  auth: { header: string; prefix: string },
  key: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    const lower = name.toLowerCase();
    if (value === undefined || droppedRequestHeaders.has(lower) || lower === auth.header) continue;
    headers[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers[auth.header] = `${auth.prefix}${key}`;
  return headers;
}

/** The upstream answer's headers as they go back to the caller. */
export function callerResponseHeaders(upstream: HeaderValues): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || droppedResponseHeaders.has(name.toLowerCase())) continue;
    headers[name] = value;
  }
  return headers;
}

/** How a channel type carries its key (`relay.authHeaders`), `Authorization: Bearer` if unset. */
export function authHeaderFor(
  relay: Config['relay'],
  channelType: string,
): { header: string; prefix: string } {
  return relay.authHeaders[channelType] ?? { header: 'authorization', prefix: 'Bearer ' };
}
