import { describe, expect, it } from 'vitest';
import { SsrfBlockedError } from '../core/errors/index.js';
import { isPublicAddress, SsrfGuard } from './ssrf-guard.js';

function reasonOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SsrfBlockedError);
    return (error as SsrfBlockedError).details?.reason;
  }
  return 'allowed';
}

async function resolveReason(guard: SsrfGuard, url: string): Promise<unknown> {
  try {
    return await guard.resolve(new URL(url));
  } catch (error) {
    expect(error).toBeInstanceOf(SsrfBlockedError);
    return (error as SsrfBlockedError).details?.reason;
  }
}

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '0.1.2.3',
    '255.255.255.255',
    '224.0.0.1',
    '240.0.0.1',
    '192.0.2.10',
    '198.18.0.1',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::10.0.0.1',
    '64:ff9b::7f00:1',
    '64:ff9b:1::8.8.8.8',
    '::127.0.0.1',
    '2001:db8::1',
    '2002:7f00:1::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '[::1]',
    'localhost',
    'example.com',
    '',
    '0x7f000001',
    '0177.0.0.1',
    '127.1',
  ])('treats %s as not public', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ])('treats %s as public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe('SsrfGuard.checkUrl', () => {
  it('allows ordinary public URLs and returns them parsed', () => {
    const url = new SsrfGuard().checkUrl('https://cdn.example.com/img.png?sig=1');
    expect(url).toBeInstanceOf(URL);
    expect(url.hostname).toBe('cdn.example.com');
  });

  it('refuses by rule', () => {
    const guard = new SsrfGuard();
    expect(reasonOf(() => guard.checkUrl('not a url'))).toBe('invalid_url');
    expect(reasonOf(() => guard.checkUrl('file:///etc/passwd'))).toBe('scheme_not_allowed');
    expect(reasonOf(() => guard.checkUrl('https://a:b@example.com/'))).toBe('credentials_in_url');
    expect(reasonOf(() => guard.checkUrl('http://localhost/'))).toBe('localhost');
    expect(reasonOf(() => guard.checkUrl('http://a.b.localhost/'))).toBe('localhost');
    expect(reasonOf(() => guard.checkUrl('http://metadata.google.internal/'))).toBe(
      'metadata_endpoint',
    );
    expect(reasonOf(() => guard.checkUrl('http://[fd00:ec2::254]/'))).toBe('metadata_endpoint');
    expect(reasonOf(() => guard.checkUrl('http://168.63.129.16/'))).toBe('metadata_endpoint');
    expect(reasonOf(() => guard.checkUrl('http://192.168.0.1:8080/'))).toBe('private_address');
    expect(reasonOf(() => guard.checkUrl('http://[::ffff:a00:1]/'))).toBe('private_address');
    expect(reasonOf(() => guard.checkUrl('http://127.0.0.1./'))).toBe('private_address');
  });

  it('lets allowPrivate through everything but metadata endpoints', () => {
    const guard = new SsrfGuard({ allowPrivate: true });
    expect(reasonOf(() => guard.checkUrl('http://localhost:3000/'))).toBe('allowed');
    expect(reasonOf(() => guard.checkUrl('http://10.0.0.1/'))).toBe('allowed');
    expect(reasonOf(() => guard.checkUrl('http://169.254.169.254/'))).toBe('metadata_endpoint');
  });

  it('matches allowed hosts with and without port, IPv6 included', () => {
    const guard = new SsrfGuard({ allowedPrivateHosts: ['minio:9000', '[::1]:8080', 'NAS.lan.'] });
    guard.addAllowedHost('10.0.0.7');
    expect(reasonOf(() => guard.checkUrl('http://minio:9000/b/k'))).toBe('allowed');
    expect(reasonOf(() => guard.checkUrl('http://[::1]:8080/'))).toBe('allowed');
    expect(reasonOf(() => guard.checkUrl('http://[0:0::1]:8080/'))).toBe('allowed');
    expect(reasonOf(() => guard.checkUrl('http://[::1]:8081/'))).toBe('private_address');
    expect(reasonOf(() => guard.checkUrl('https://nas.lan/x'))).toBe('allowed');
    expect(reasonOf(() => guard.checkUrl('http://10.0.0.7:1234/'))).toBe('allowed');
    expect(reasonOf(() => guard.checkUrl('http://10.0.0.8/'))).toBe('private_address');
    // An entry's port is compared with the URL's effective port (80/443 when omitted).
    const byDefaultPort = new SsrfGuard({ allowedPrivateHosts: ['127.0.0.1:80'] });
    expect(reasonOf(() => byDefaultPort.checkUrl('http://127.0.0.1/'))).toBe('allowed');
    expect(reasonOf(() => byDefaultPort.checkUrl('https://127.0.0.1/'))).toBe('private_address');
  });

  it('rejects malformed allowed-host entries', () => {
    expect(() => new SsrfGuard({ allowedPrivateHosts: ['host:notaport'] })).toThrow(TypeError);
    expect(() => new SsrfGuard({ allowedPrivateHosts: ['[::1'] })).toThrow(TypeError);
    expect(() => new SsrfGuard({ allowedPrivateHosts: [':80'] })).toThrow(TypeError);
  });
});

describe('SsrfGuard.resolve', () => {
  const resolverFor =
    (table: Record<string, string[]>) =>
    async (hostname: string): Promise<Array<{ address: string; family: number }>> =>
      (table[hostname] ?? []).map((address) => ({
        address,
        family: address.includes(':') ? 6 : 4,
      }));

  it('returns the first resolved address when all are public', async () => {
    const guard = new SsrfGuard({
      resolver: resolverFor({ 'cdn.example.com': ['2606:4700::1', '93.184.215.14'] }),
    });
    expect(await resolveReason(guard, 'https://cdn.example.com/a')).toEqual({
      address: '2606:4700::1',
      family: 6,
    });
  });

  it('refuses names that resolve to private or metadata addresses', async () => {
    const guard = new SsrfGuard({
      resolver: resolverFor({
        'internal.example.com': ['10.0.0.3'],
        'rebind.example.com': ['8.8.8.8', '::ffff:127.0.0.1'],
        'imds.example.com': ['169.254.169.254'],
      }),
    });
    expect(await resolveReason(guard, 'http://internal.example.com/')).toBe(
      'resolves_to_private_address',
    );
    expect(await resolveReason(guard, 'http://rebind.example.com/')).toBe(
      'resolves_to_private_address',
    );
    expect(await resolveReason(guard, 'http://imds.example.com/')).toBe(
      'resolves_to_metadata_endpoint',
    );
  });

  it('lets allowed hosts and allowPrivate resolve to private addresses, never to metadata', async () => {
    const resolver = resolverFor({
      minio: ['172.18.0.4'],
      'imds.example.com': ['169.254.169.254'],
    });
    const allowed = new SsrfGuard({ allowedPrivateHosts: ['minio:9000'], resolver });
    expect(await resolveReason(allowed, 'http://minio:9000/')).toEqual({
      address: '172.18.0.4',
      family: 4,
    });
    expect(await resolveReason(allowed, 'http://minio:9001/')).toBe('resolves_to_private_address');

    const lan = new SsrfGuard({ allowPrivate: true, resolver });
    expect(await resolveReason(lan, 'http://minio/')).toEqual({ address: '172.18.0.4', family: 4 });
    expect(await resolveReason(lan, 'http://imds.example.com/')).toBe(
      'resolves_to_metadata_endpoint',
    );
  });

  it('does not consult DNS for IP literals', async () => {
    const guard = new SsrfGuard({
      resolver: async () => {
        throw new Error('resolver must not be called');
      },
    });
    expect(await resolveReason(guard, 'http://8.8.8.8/')).toEqual({
      address: '8.8.8.8',
      family: 4,
    });
    expect(await resolveReason(guard, 'http://[2606:4700::1111]/')).toEqual({
      address: '2606:4700::1111',
      family: 6,
    });
  });

  it('uses the system resolver by default', async () => {
    const guard = new SsrfGuard({ allowedPrivateHosts: ['localhost'] });
    const resolved = await guard.resolve(new URL('http://localhost/'));
    expect(['127.0.0.1', '::1']).toContain(resolved.address);
  });
});
