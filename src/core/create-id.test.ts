import { describe, expect, it } from 'vitest';
import { createId } from './create-id.js';

describe('createId', () => {
  it('should produce prefixed 26-character ids that sort by creation time', () => {
    const earlier = createId('gen', 1_700_000_000_000);
    const later = createId('gen', 1_700_000_000_001);
    expect(earlier).toMatch(/^gen_[0-9a-z]{26}$/);
    expect(earlier < later).toBe(true);
  });

  it('should not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => createId('att', 1)));
    expect(ids.size).toBe(10_000);
  });
});
