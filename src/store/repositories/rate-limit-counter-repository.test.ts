import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { backends } from '../../../test/helpers/test-database.js';
import { RateLimitCounterRepository } from './rate-limit-counter-repository.js';

describe.each(backends)('RateLimitCounterRepository on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let counters: RateLimitCounterRepository;
  const windowMs = 60_000;
  const start = 1_800_000_000_000;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    counters = new RateLimitCounterRepository(opened.database);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should count hits in a window that starts at the first hit', async () => {
    expect(await counters.hit('key_a', windowMs, start)).toEqual({ hits: 1, ttlMs: windowMs });
    expect(await counters.hit('key_a', windowMs, start + 1000)).toEqual({
      hits: 2,
      ttlMs: windowMs - 1000,
    });
    expect(await counters.read('key_a', start + 2000)).toEqual({
      hits: 2,
      ttlMs: windowMs - 2000,
    });
  });

  it('should keep each key apart', async () => {
    expect((await counters.hit('key_b', windowMs, start)).hits).toBe(1);
    expect((await counters.read('key_never', start)).hits).toBe(0);
  });

  it('should start again from one when the window has ended', async () => {
    const later = start + windowMs;
    expect(await counters.read('key_a', later)).toEqual({ hits: 0, ttlMs: 0 });
    expect(await counters.hit('key_a', windowMs, later)).toEqual({ hits: 1, ttlMs: windowMs });
  });

  it('should give concurrent hits distinct counts', async () => {
    const counts = await Promise.all(
      Array.from({ length: 20 }, () => counters.hit('key_c', windowMs, start)),
    );
    expect(counts.map((count) => count.hits).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
  });
});
