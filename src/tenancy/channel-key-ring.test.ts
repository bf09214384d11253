import { describe, expect, it } from 'vitest';
import type { Channel } from '../core/channel.js';
import { ChannelKeyRing } from './channel-key-ring.js';

const channel = (keys: string[]): Channel => ({
  id: 'chan_a',
  type: 'passthrough',
  name: 'a',
  groups: ['default'],
  baseUrl: 'http://127.0.0.1:1',
  keys,
  keyTails: keys.map((key) => key.slice(-4)),
  models: ['runway'],
  modelMapping: null,
  priority: 0,
  weight: 1,
  enabled: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('ChannelKeyRing', () => {
  it('should rotate keys and skip a key set aside until its cool-down ends', () => {
    let now = 0;
    const ring = new ChannelKeyRing({ setAsideMs: 1000, now: () => now });
    const subject = channel(['key-1111', 'key-2222', 'key-3333']);
    expect([1, 2, 3, 4].map(() => ring.pick(subject)!.key)).toEqual([
      'key-1111',
      'key-2222',
      'key-3333',
      'key-1111',
    ]);
    expect(ring.setAside(subject, 1)).toBe(true);
    expect(ring.setAside(subject, 1)).toBe(false);
    expect(ring.counts(subject)).toEqual({ available: 2, setAside: 1 });
    expect([1, 2, 3].map(() => ring.pick(subject)!.key)).toEqual([
      'key-3333',
      'key-1111',
      'key-3333',
    ]);
    now = 1000;
    expect(ring.counts(subject)).toEqual({ available: 3, setAside: 0 });
    expect(ring.pick(subject)!.key).toBe('key-1111');
    expect(ring.pick(subject)!.key).toBe('key-2222');
  });

  it('should answer no key when every key is set aside', () => {
    const ring = new ChannelKeyRing({ setAsideMs: 1000, now: () => 0 });
    const subject = channel(['only-key']);
    ring.setAside(subject, 0);
    expect(ring.pick(subject)).toBeUndefined();
  });
});
