/**
 * A clock that stands still until a test moves it: pass `now` to the gateway (or a fake) and
 * call `advance()` instead of sleeping through a window. It starts at the real time so stored
 * timestamps look ordinary.
 */
export interface TestClock {
  now(): number;
  /** Moves the clock forward by `ms` (never backward). */
  advance(ms: number): void;
}

export function createTestClock(start = Date.now()): TestClock {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      if (ms < 0) throw new Error(`a test clock only moves forward (got ${ms} ms)`);
      current += ms;
    },
  };
}

/**
 * A clock that runs with the real time but that a test can move forward: for a gateway whose
 * jobs must keep progressing on their own while one test jumps past a deadline.
 */
export function createRunningClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      if (ms < 0) throw new Error(`a test clock only moves forward (got ${ms} ms)`);
      offset += ms;
    },
  };
}
