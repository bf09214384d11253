import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses an IP address or CIDR range; a bare address is a /32 (or /128). */
function parseRange(entry: string): Range {
  if (entry.includes('/')) {
    const [address, bits] = ipaddr.parseCIDR(entry);
    return [address.kind() === 'ipv6' ? ipaddr.process(address.toString()) : address, bits];
  }
  const address = ipaddr.process(entry);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Throws on an entry that is not an IP address or a CIDR range (admin input). */
export function checkIpAllowList(entries: readonly string[]): void {
  for (const entry of entries) parseRange(entry);
}

/** A compiled allow-list: `allows(ip)` is true when the address is in any range. */
export function compileIpAllowList(entries: readonly string[]): (ip: string) => boolean {
  const ranges = entries.map(parseRange);
  return (ip) => {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      // process() maps IPv4-mapped IPv6 (::ffff:127.0.0.1) back to IPv4.
      address = ipaddr.process(ip);
    } catch {
      return false;
    }
    return ranges.some(
      ([range, bits]) => range.kind() === address.kind() && address.match(range, bits),
    );
  };
}
