import { describe, expect, it } from 'vitest';
import { DatabaseFullError } from '../core/errors/index.js';
import { DiskFullSignal } from './disk-full-signal.js';

describe('DiskFullSignal', () => {
  it('should say full for a few seconds after a full-disk failure, then not', () => {
    let now = 1_000_000;
    const signal = new DiskFullSignal(() => now);
    expect(signal.recentlyFull()).toBe(false);
    const other = new Error('duplicate key');
    expect(signal.note(other)).toBe(other);
    expect(signal.recentlyFull()).toBe(false);
    signal.note(new DatabaseFullError(new Error('No space left on device')));
    now += 9_000;
    expect(signal.recentlyFull()).toBe(true);
    now += 2_000;
    expect(signal.recentlyFull()).toBe(false);
  });
});
