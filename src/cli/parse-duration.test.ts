import { describe, expect, it } from 'vitest';
import { parseDuration, parseStages } from './parse-duration.js';

describe('CLI duration and stage parsing', () => {
  it('should read durations with units', () => {
    expect([
      parseDuration('90'),
      parseDuration('45s'),
      parseDuration('30m'),
      parseDuration('3h'),
      parseDuration('1.5h'),
    ]).toEqual([90, 45, 1800, 10_800, 5400]);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it("should read the runbook's stages", () => {
    expect(parseStages('10%:1h,50%:3h,100%')).toEqual([
      { weight: 0.1, minDurationSeconds: 3600 },
      { weight: 0.5, minDurationSeconds: 10_800 },
      { weight: 1, minDurationSeconds: 0 },
    ]);
    expect(() => parseStages('ten:1h')).toThrow(/not a stage/);
  });
});
