import { describe, expect, it } from 'vitest';
import { isAllowedCdnUrl } from './s1-cdn-download.js';

describe('isAllowedCdnUrl', () => {
  const hosts = ['im.runware.ai', '*.cdn.example.com', 'files.example.org:8443'];

  it('should allow exact hosts, subdomains of a wildcard, and host:port entries', () => {
    expect(isAllowedCdnUrl('https://im.runware.ai/video/a.mp4', hosts)).toBe(true);
    expect(isAllowedCdnUrl('https://eu.cdn.example.com/a.mp4', hosts)).toBe(true);
    expect(isAllowedCdnUrl('https://files.example.org:8443/a.mp4', hosts)).toBe(true);
  });

  it('should refuse look-alikes, other ports, credentials and other schemes', () => {
    expect(isAllowedCdnUrl('https://im.runware.ai.evil.com/a.mp4', hosts)).toBe(false);
    expect(isAllowedCdnUrl('https://evilim.runware.ai/a.mp4', hosts)).toBe(false);
    expect(isAllowedCdnUrl('https://cdn.example.com/a.mp4', hosts)).toBe(false);
    expect(isAllowedCdnUrl('https://files.example.org/a.mp4', hosts)).toBe(false);
    expect(isAllowedCdnUrl('https://user:pw@im.runware.ai/a.mp4', hosts)).toBe(false);
    expect(isAllowedCdnUrl('ftp://im.runware.ai/a.mp4', hosts)).toBe(false);
    expect(isAllowedCdnUrl('not a url', hosts)).toBe(false);
    expect(isAllowedCdnUrl('https://im.runware.ai/a.mp4', [])).toBe(false);
  });
});
