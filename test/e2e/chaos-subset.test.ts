import { describe, expect, it } from 'vitest';
import { runAssetStoreDown } from '../chaos/asset-store-down.js';
import { runAssetStoreFull } from '../chaos/asset-store-full.js';
import type { ChaosResult } from '../chaos/chaos-harness.js';
import { runProviderHang } from '../chaos/provider-hang.js';

const total = (counts: Record<string, number>) =>
  Object.values(counts).reduce((sum, count) => sum + count, 0);

/**
 * The short CI subset of `npm run chaos` (the faults the other e2e tests do not already drive:
 * PostgreSQL terminations, kill -9 and a killed instance have their own). Invariants, not speed.
 */
describe('chaos subset', () => {
  const expectEveryJobFinishedOnce = (result: ChaosResult) => {
    expect(result.accepted).toBeGreaterThan(0);
    expect(total(result.finished)).toBe(result.accepted);
    expect(result.duplicates).toBe(0);
    expect(result.recoveryMs).toBeDefined();
  };

  it('should end every job of a hung provider at its deadline, keep answering, and serve again once the provider is back', async () => {
    const result = await runProviderHang({ jobs: 6 });
    expectEveryJobFinishedOnce(result);
    expect(result.finished).toEqual({ failed: 6 });
    expect(result.clientErrors).toEqual({});
    expect(result.notes).toMatch(/^health while hung: 10\/10 answered 200/);
  }, 120_000);

  it('should finish every accepted job once a full asset disk has room again, by itself', async () => {
    const result = await runAssetStoreFull({ jobs: 8 });
    expectEveryJobFinishedOnce(result);
    expect(result.finished).toEqual({ succeeded: 8 });
    expect(result.clientErrors).toEqual({});
  }, 120_000);

  it('should report a downed S3 asset store in /readyz and store every accepted job once it is back, by itself', async () => {
    const result = await runAssetStoreDown({ jobs: 8, downForMs: 3000 });
    expectEveryJobFinishedOnce(result);
    expect(result.finished).toEqual({ succeeded: 8 });
    expect(result.clientErrors).toEqual({});
    expect(result.notes).toMatch(/^\/readyz 503 \d/);
    expect(result.notes).toContain('outputs readable afterwards: 8 of 8');
  }, 120_000);
});
