import { describe, expect, it } from 'vitest';
import { checkIpAllowList, compileIpAllowList } from './ip-allow-list.js';

describe('IP allow-lists', () => {
  it('should match addresses and CIDR ranges of both families', () => {
    const allows = compileIpAllowList(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    expect(allows('10.20.30.40')).toBe(true);
    expect(allows('::ffff:10.1.1.1')).toBe(true);
    expect(allows('192.168.1.7')).toBe(true);
    expect(allows('192.168.1.8')).toBe(false);
    expect(allows('2001:db8::1')).toBe(true);
    expect(allows('2001:db9::1')).toBe(false);
    expect(allows('not an ip')).toBe(false);
  });

  it('should reject entries that are not addresses or ranges', () => {
    expect(() => checkIpAllowList(['10.0.0.0/8'])).not.toThrow();
    expect(() => checkIpAllowList(['10.0.0.0/99'])).toThrow();
    expect(() => checkIpAllowList(['example.com'])).toThrow();
  });
});
