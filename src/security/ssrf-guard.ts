import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { SsrfBlockedError } from '../core/errors/index.js';

/** One address a hostname resolved to, as handed to the socket layer. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a hostname to all of its addresses. Defaults to the OS resolver
 * (`dns.promises.lookup` with `all: true`); injectable so tests and alternative resolvers can
 * decide what a name points at.
 */
export type HostResolver = (
  hostname: string,
) => Promise<ReadonlyArray<{ address: string; family: number }>>;

/** Options of {@link SsrfGuard}. */
export interface SsrfGuardOptions {
  /**
   * `host` or `host:port` entries (IPv6 as `[::1]:8080` or bare `::1`) that may point at
   * private, loopback or metadata addresses: self-hosted storage, a local mock provider.
   */
  allowedPrivateHosts?: string[];
  /**
   * Skip the private-address checks altogether (tests, trusted LAN). Cloud metadata endpoints
   * stay blocked even then unless listed in `allowedPrivateHosts`: a LAN deployment never needs
   * them, and reaching them from a cloud VM hands out its credentials.
   */
  allowPrivate?: boolean;
  /** Replaces the OS resolver; see {@link HostResolver}. */
  resolver?: HostResolver;
}

interface AllowedHost {
  host: string;
  port: number | undefined;
}

// Hostnames that name a cloud instance-metadata service. The DNS check would catch most of them
// (they resolve to link-local addresses), but refusing the name itself also covers resolvers
// that answer them with something else, and `allowPrivate` deployments.
const metadataHostnames: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

// Metadata / host-agent addresses refused even under `allowPrivate`. 168.63.129.16 (Azure
// WireServer) sits in public address space, so the range check alone would let it through.
const metadataAddresses: ReadonlySet<string> = new Set([
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle IMDS
  '169.254.170.2', // AWS ECS task metadata / credentials
  'fd00:ec2::254', // AWS IMDS over IPv6
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure WireServer
]);

// Only 2000::/3 is allocated as global unicast. Everything outside it that ipaddr.js still calls
// `unicast` (e.g. the deprecated IPv4-compatible ::a.b.c.d block) is not a legitimate public
// destination, so it is refused rather than trusted.
const globalUnicastV6 = ipaddr.IPv6.parseCIDR('2000::/3');
// RFC 6052 well-known NAT64 prefix: the low 32 bits are an IPv4 address that the NAT64 gateway
// will connect to, so that embedded address is what has to be public.
const nat64WellKnown = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * Whether `ip` is a publicly routable unicast address that the gateway may connect to on
 * someone else's behalf.
 *
 * False for loopback, RFC 1918 private, link-local (incl. 169.254.169.254 and fe80::/10),
 * unique-local fc00::/7, CGNAT 100.64/10, unspecified and 0.0.0.0/8, multicast, broadcast,
 * reserved/documentation/benchmarking ranges, 6to4 and Teredo (they tunnel to arbitrary IPv4),
 * and anything that is not a canonical IP address. IPv4-mapped (`::ffff:a.b.c.d`), IPv4-translated
 * and NAT64 (`64:ff9b::a.b.c.d`) addresses are judged by the IPv4 address they embed.
 */
export function isPublicAddress(ip: string): boolean {
  const addr = parseCanonicalIp(ip);
  if (addr === undefined) return false;
  if (addr.kind() === 'ipv4') return addr.range() === 'unicast';
  const v6 = addr as ipaddr.IPv6;
  // A zone id only makes sense for link-local scopes; never a public destination.
  if (v6.zoneId !== undefined) return false;
  const embedded = embeddedIPv4(v6);
  if (embedded !== undefined) return embedded.range() === 'unicast';
  return v6.range() === 'unicast' && v6.match(globalUnicastV6);
}

/**
 * Decides which URLs the gateway may fetch on someone's behalf and which address it may connect
 * to for them. {@link checkUrl} is the cheap syntactic check; {@link resolve} does the DNS lookup
 * and returns the one vetted address that the caller must pin the connection to (otherwise a
 * second lookup could be answered differently: DNS rebinding). `safeFetch` does both.
 */
export class SsrfGuard {
  private readonly allowedHosts: AllowedHost[] = [];
  private readonly allowPrivate: boolean;
  private readonly resolver: HostResolver;

  constructor(options: SsrfGuardOptions = {}) {
    this.allowPrivate = options.allowPrivate ?? false;
    this.resolver = options.resolver ?? defaultResolver;
    for (const entry of options.allowedPrivateHosts ?? []) this.addAllowedHost(entry);
  }

  /**
   * Lets `host` or `host:port` point at private, loopback or metadata addresses from now on.
   * Without a port every port of that host is allowed.
   * @throws TypeError when the entry is not a host or a host with a valid port.
   */
  addAllowedHost(hostOrHostPort: string): void {
    this.allowedHosts.push(parseAllowedHost(hostOrHostPort));
  }

  /**
   * Syntactic check, no I/O: http(s) only, no credentials in the URL, and (unless allowed) no
   * `localhost`, metadata hostname, or literal non-public IP address.
   * @returns the parsed URL (a copy when a `URL` was passed).
   * @throws SsrfBlockedError with `details.reason` telling which rule refused it.
   */
  checkUrl(url: string | URL): URL {
    let parsed: URL;
    try {
      parsed = new URL(typeof url === 'string' ? url : url.href);
    } catch (error) {
      throw new SsrfBlockedError(String(url), 'invalid_url', error);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SsrfBlockedError(parsed, 'scheme_not_allowed');
    }
    // Credentials in a URL would be forwarded to wherever it (or a redirect) points.
    if (parsed.username !== '' || parsed.password !== '') {
      throw new SsrfBlockedError(parsed, 'credentials_in_url');
    }
    const host = normalizeHost(parsed.hostname);
    if (host === '') throw new SsrfBlockedError(parsed, 'missing_host');
    if (this.isExplicitlyAllowed(parsed)) return parsed;

    if (metadataHostnames.has(host) || isMetadataAddress(host)) {
      throw new SsrfBlockedError(parsed, 'metadata_endpoint');
    }
    if (this.allowPrivate) return parsed;
    // RFC 6761: every *.localhost name is loopback, whatever DNS says.
    if (host === 'localhost' || host.endsWith('.localhost')) {
      throw new SsrfBlockedError(parsed, 'localhost');
    }
    if (parseCanonicalIp(host) !== undefined && !isPublicAddress(host)) {
      throw new SsrfBlockedError(parsed, 'private_address');
    }
    return parsed;
  }

  /**
   * Checks `url` ({@link checkUrl}), resolves its hostname and returns the address to connect
   * to. Refuses the URL when ANY resolved address is non-public (unless the host is allowed):
   * a name with one public and one private record must not be usable to reach the private one.
   * @throws SsrfBlockedError when refused; the resolver's own error (e.g. `ENOTFOUND`) when the
   *   lookup fails.
   */
  async resolve(url: URL): Promise<ResolvedAddress> {
    const checked = this.checkUrl(url);
    const host = normalizeHost(checked.hostname);
    const literal = parseCanonicalIp(host);
    const addresses: ReadonlyArray<{ address: string; family: number }> =
      literal === undefined
        ? await this.resolver(host)
        : [{ address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 }];
    const first = addresses[0];
    if (first === undefined) throw new Error(`DNS lookup for ${host} returned no addresses.`);

    if (!this.isExplicitlyAllowed(checked)) {
      for (const { address } of addresses) {
        // The resolved address is deliberately left out of the error: it would let a client
        // map the gateway's internal DNS.
        if (isMetadataAddress(address)) {
          throw new SsrfBlockedError(checked, 'resolves_to_metadata_endpoint');
        }
        if (!this.allowPrivate && !isPublicAddress(address)) {
          throw new SsrfBlockedError(checked, 'resolves_to_private_address');
        }
      }
    }
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  private isExplicitlyAllowed(url: URL): boolean {
    if (this.allowedHosts.length === 0) return false;
    const host = normalizeHost(url.hostname);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return this.allowedHosts.some(
      (entry) => entry.host === host && (entry.port === undefined || entry.port === port),
    );
  }
}

async function defaultResolver(
  hostname: string,
): Promise<ReadonlyArray<{ address: string; family: number }>> {
  // Resolver order is kept so the address we connect to is the one the OS would have picked.
  return lookup(hostname, { all: true, verbatim: true });
}

/**
 * Parses only canonical IP notation (dotted-quad IPv4, any valid IPv6). ipaddr.js also accepts
 * legacy forms like `0x7f.1` or `0177.0.0.1`; those never come out of the WHATWG URL parser or a
 * resolver, so seeing one means something is off, and refusing it is the safe answer.
 */
function parseCanonicalIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return undefined;
}

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = v6.range();
  if (range !== 'ipv4Mapped' && range !== 'rfc6145' && !v6.match(nat64WellKnown)) {
    return undefined;
  }
  const high = v6.parts[6] ?? 0;
  const low = v6.parts[7] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function isMetadataAddress(ip: string): boolean {
  const addr = parseCanonicalIp(ip);
  if (addr === undefined) return false;
  const embedded = addr.kind() === 'ipv6' ? embeddedIPv4(addr as ipaddr.IPv6) : undefined;
  return metadataAddresses.has((embedded ?? addr).toString());
}

/**
 * Lower-cases, strips IPv6 brackets and trailing dots (`localhost.` is `localhost`), and writes
 * IP literals in one canonical form so `::0001` and `::1` compare equal.
 */
function normalizeHost(host: string): string {
  let normalized = host.toLowerCase();
  if (normalized.startsWith('[') && normalized.endsWith(']')) {
    normalized = normalized.slice(1, -1);
  }
  while (normalized.endsWith('.')) normalized = normalized.slice(0, -1);
  const ip = parseCanonicalIp(normalized);
  return ip === undefined ? normalized : ip.toString();
}

function parseAllowedHost(entry: string): AllowedHost {
  const trimmed = entry.trim();
  let host: string;
  let portText: string | undefined;
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']');
    if (end === -1) throw new TypeError(`Invalid allowed host "${entry}": unclosed "[".`);
    host = trimmed.slice(1, end);
    const rest = trimmed.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new TypeError(`Invalid allowed host "${entry}".`);
      portText = rest.slice(1);
    }
  } else if (trimmed.split(':').length === 2) {
    [host, portText] = trimmed.split(':') as [string, string];
  } else {
    // No colon, or several: a bare hostname or a bare IPv6 address.
    host = trimmed;
  }
  const normalized = normalizeHost(host);
  if (normalized === '') throw new TypeError(`Invalid allowed host "${entry}": empty host.`);
  if (portText === undefined) return { host: normalized, port: undefined };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new TypeError(`Invalid allowed host "${entry}": bad port.`);
  }
  return { host: normalized, port };
}
