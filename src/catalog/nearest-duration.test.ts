import { describe, expect, it } from 'vitest';
import { nearestDuration } from './nearest-duration.js';

describe('nearestDuration', () => {
  it('should keep a supported value', () => {
    expect(nearestDuration([4, 6], 6)).toBe(6);
    expect(nearestDuration({ min: 1, max: 12 }, 5)).toBe(5);
  });

  it('should break a tie towards the longer value', () => {
    expect(nearestDuration([4, 6], 5)).toBe(6);
    expect(nearestDuration([5, 10], 7.5)).toBe(10);
  });

  it('should pick the closest discrete value', () => {
    expect(nearestDuration([4, 6], 10)).toBe(6);
    expect(nearestDuration([5, 6, 7, 8], 3)).toBe(5);
    expect(nearestDuration([5, 10], 8)).toBe(10);
  });

  it('should clamp to a range and snap to its step', () => {
    expect(nearestDuration({ min: 1, max: 12 }, 20)).toBe(12);
    expect(nearestDuration({ min: 2, max: 10, step: 2 }, 5)).toBe(6);
    expect(nearestDuration({ min: 2, max: 9, step: 2 }, 9)).toBe(8);
    expect(nearestDuration({ min: 1.2, max: 12, step: 0.1 }, 0.5)).toBe(1.2);
  });
});
