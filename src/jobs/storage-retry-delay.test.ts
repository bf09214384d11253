import { describe, expect, it } from 'vitest';
import {
  maxStorageRetryDelayMs,
  storageRetryDelayMs,
  type StorageRetryState,
} from './storage-retry-delay.js';

const start = 1_000_000;
const state = (overrides: Partial<StorageRetryState>): StorageRetryState => ({
  failures: 1,
  failingSinceMs: start,
  nowMs: start,
  windowMs: 60_000,
  deadlineMs: start + 900_000,
  polling: { pollInitialMs: 1000, pollMaxMs: 30_000 },
  random: () => 0.5,
  ...overrides,
});

describe('storageRetryDelayMs', () => {
  it('should grow with the poll backoff from the first poll delay', () => {
    expect(storageRetryDelayMs(state({ failures: 1 }))).toBe(1000);
    expect(storageRetryDelayMs(state({ failures: 2 }))).toBe(1500);
    expect(storageRetryDelayMs(state({ failures: 3 }))).toBe(2250);
  });

  it('should never wait longer than 5 s, so jobs resume soon after the store is back', () => {
    expect(storageRetryDelayMs(state({ failures: 30 }))).toBe(maxStorageRetryDelayMs);
  });

  it('should keep a shorter poll maximum', () => {
    const polling = { pollInitialMs: 50, pollMaxMs: 200 };
    expect(storageRetryDelayMs(state({ failures: 30, polling }))).toBe(200);
  });

  it('should give up once the next retry would fall after the window since the first failure', () => {
    expect(storageRetryDelayMs(state({ failures: 20, nowMs: start + 55_000 }))).toBe(5000);
    expect(storageRetryDelayMs(state({ failures: 20, nowMs: start + 55_001 }))).toBeUndefined();
  });

  it('should give up when the next retry would come at or after the job deadline', () => {
    expect(storageRetryDelayMs(state({ deadlineMs: start + 1001 }))).toBe(1000);
    expect(storageRetryDelayMs(state({ deadlineMs: start + 1000 }))).toBeUndefined();
  });

  it('should not retry at all with an empty window', () => {
    expect(storageRetryDelayMs(state({ windowMs: 0 }))).toBeUndefined();
  });
});
