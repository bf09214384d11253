import { describe, expect, it } from 'vitest';
import { ChannelKeyCipher } from './channel-key-cipher.js';

describe('ChannelKeyCipher', () => {
  it('should open what it sealed and never show the plaintext in the sealed form', () => {
    const cipher = new ChannelKeyCipher('a-secret-of-sixteen-chars');
    const sealed = cipher.seal('rk-super-secret-key');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('rk-super-secret-key');
    expect(cipher.seal('rk-super-secret-key')).not.toBe(sealed);
    expect(cipher.open(sealed)).toBe('rk-super-secret-key');
  });

  it('should refuse a value sealed under another secret or altered', () => {
    const sealed = new ChannelKeyCipher('a-secret-of-sixteen-chars').seal('key');
    expect(() => new ChannelKeyCipher('another-secret-entirely').open(sealed)).toThrow();
    const altered = `${sealed.slice(0, -2)}AA`;
    expect(() => new ChannelKeyCipher('a-secret-of-sixteen-chars').open(altered)).toThrow();
  });
});
