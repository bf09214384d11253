import { describe, expect, it } from 'vitest';
import { nearestAspectRatio } from './nearest-aspect-ratio.js';

describe('nearestAspectRatio', () => {
  it('should keep a supported ratio and pick the closest shape otherwise', () => {
    expect(nearestAspectRatio(['16:9', '9:16'], '16:9')).toBe('16:9');
    expect(nearestAspectRatio(['16:9', '9:16'], '21:9')).toBe('16:9');
    expect(nearestAspectRatio(['16:9', '9:16', '1:1'], '4:5')).toBe('1:1');
    expect(nearestAspectRatio(['16:9', '9:16'], '2:3')).toBe('9:16');
  });
});
