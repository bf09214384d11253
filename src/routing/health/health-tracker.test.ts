import { describe, expect, it } from 'vitest';
import { healthBasedStrategy } from '../strategies/health-based-strategy.js';
import { leastLoadedStrategy } from '../strategies/least-loaded-strategy.js';
import type { StrategyCandidate, StrategyContext } from '../strategies/routing-strategy.js';
import { HealthTracker } from './health-tracker.js';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function context(tracker: HealthTracker, now: number, chain: readonly string[]): StrategyContext {
  return {
    stickyKey: 'job-1',
    weights: {},
    chain,
    sequence: 0,
    stats: (providerId) => tracker.stats(providerId, now),
  };
}

function candidates(...providerIds: string[]): StrategyCandidate[] {
  return providerIds.map((providerId) => ({ providerId, estimatedCostUsd: 0, qualityScore: 0 }));
}

describe('HealthTracker', () => {
  it('should report no data for a provider it has never seen', () => {
    expect(new HealthTracker().stats('fal', 0)).toEqual({
      inFlight: 0,
      successRate: null,
      p95LatencyMs: null,
      samples: 0,
    });
    expect(new HealthTracker().stats('fal', 'flux-pro', 0).samples).toBe(0);
  });

  it('should count outcomes per provider and per (provider, model)', () => {
    const tracker = new HealthTracker();
    const now = 1_000_000;
    for (let index = 0; index < 10; index += 1) {
      tracker.recordOutcome({
        provider: 'fal',
        model: 'flux-pro',
        ok: true,
        latencyMs: 1_000,
        now,
      });
      tracker.recordOutcome({
        provider: 'fal',
        model: 'veo-3',
        ok: index < 5,
        latencyMs: 9_000,
        now,
      });
    }
    tracker.recordOutcome({ provider: 'fal', ok: false, latencyMs: 100, now });
    expect(tracker.stats('fal', 'flux-pro', now)).toEqual({
      inFlight: 0,
      successRate: 1,
      p95LatencyMs: 1_000,
      samples: 10,
    });
    expect(tracker.stats('fal', 'veo-3', now)).toMatchObject({ successRate: 0.5, samples: 10 });
    expect(tracker.stats('fal', now)).toMatchObject({ successRate: 15 / 21, samples: 21 });
    expect(tracker.stats('fal', 'unknown-model', now).samples).toBe(0);
  });

  it('should agree with a reference count on random traffic', () => {
    const random = mulberry32(1);
    const tracker = new HealthTracker();
    const providers = ['fal', 'runware', 'replicate'];
    const models = ['flux', 'veo', 'kling'];
    const expected = new Map<string, { requests: number; failures: number }>();
    const count = (key: string, ok: boolean): void => {
      const entry = expected.get(key) ?? { requests: 0, failures: 0 };
      entry.requests += 1;
      if (!ok) entry.failures += 1;
      expected.set(key, entry);
    };
    for (let index = 0; index < 5_000; index += 1) {
      const provider = providers[Math.floor(random() * providers.length)] ?? 'fal';
      const model = random() < 0.9 ? models[Math.floor(random() * models.length)] : undefined;
      const ok = random() < 0.85;
      tracker.recordOutcome({
        provider,
        model,
        ok,
        latencyMs: random() * 10_000,
        now: 50_000 + index,
      });
      count(provider, ok);
      if (model !== undefined) count(`${provider}/${model}`, ok);
    }
    for (const [key, { requests, failures }] of expected) {
      const [provider = '', model] = key.split('/');
      const stats =
        model === undefined
          ? tracker.stats(provider, 60_000)
          : tracker.stats(provider, model, 60_000);
      expect(stats.samples).toBe(requests);
      expect(stats.successRate).toBeCloseTo((requests - failures) / requests, 12);
    }
  });

  it('should count calls in flight per provider and refuse an unpaired finish', () => {
    const tracker = new HealthTracker();
    tracker.started('fal');
    tracker.started('fal');
    tracker.started('runware');
    tracker.finished('fal');
    expect(tracker.stats('fal', 0).inFlight).toBe(1);
    expect(tracker.stats('fal', 'flux-pro', 0).inFlight).toBe(1);
    expect(tracker.stats('runware', 0).inFlight).toBe(1);
    tracker.finished('fal');
    expect(() => tracker.finished('fal')).toThrow(/without a matching started/);
    expect(() => tracker.finished('kie')).toThrow(Error);
    expect(tracker.stats('fal', 0).inFlight).toBe(0);
  });

  it('should forget outcomes once they leave the window', () => {
    const tracker = new HealthTracker({ window: { bucketMs: 1_000, spanMs: 60_000 } });
    tracker.recordOutcome({ provider: 'fal', model: 'flux', ok: false, latencyMs: 100, now: 0 });
    expect(tracker.stats('fal', 59_999).successRate).toBe(0);
    expect(tracker.stats('fal', 60_000).successRate).toBeNull();
    expect(tracker.stats('fal', 'flux', 60_000).samples).toBe(0);
  });

  it('should list every provider and model in a sorted snapshot', () => {
    const tracker = new HealthTracker();
    tracker.recordOutcome({
      provider: 'runware',
      model: 'wan',
      ok: true,
      latencyMs: 2_000,
      now: 10,
    });
    tracker.recordOutcome({
      provider: 'runware',
      model: 'kling',
      ok: false,
      latencyMs: 500,
      now: 10,
    });
    tracker.recordOutcome({ provider: 'fal', ok: true, latencyMs: 1_000, now: 10 });
    tracker.started('mock');
    const snapshot = tracker.snapshot(20);
    expect(snapshot.map(({ provider }) => provider)).toEqual(['fal', 'mock', 'runware']);
    expect(snapshot[0]).toMatchObject({ provider: 'fal', inFlight: 0, models: [] });
    expect(snapshot[0]?.summary).toMatchObject({
      requests: 1,
      successRate: 1,
      p50LatencyMs: 1_000,
    });
    expect(snapshot[1]).toMatchObject({ provider: 'mock', inFlight: 1 });
    expect(snapshot[1]?.summary).toEqual({
      requests: 0,
      failures: 0,
      successRate: null,
      p50LatencyMs: null,
      p95LatencyMs: null,
    });
    expect(snapshot[2]?.models.map(({ model }) => model)).toEqual(['kling', 'wan']);
    expect(snapshot[2]?.summary).toMatchObject({ requests: 2, failures: 1, successRate: 0.5 });
  });

  it('should feed health_based and least_loaded through StrategyContext.stats', () => {
    const tracker = new HealthTracker();
    const now = 1_000_000;
    for (let index = 0; index < 20; index += 1) {
      tracker.recordOutcome({ provider: 'fal', ok: index % 2 === 0, latencyMs: 1_000, now });
      tracker.recordOutcome({ provider: 'runware', ok: true, latencyMs: 3_000, now });
    }
    tracker.started('runware');
    const chain = ['fal', 'runware', 'kie'];
    const pool = candidates('fal', 'runware', 'kie');
    const healthOrder = healthBasedStrategy.order(pool, context(tracker, now, chain));
    expect(healthOrder.map(({ providerId }) => providerId)).toEqual(['runware', 'kie', 'fal']);
    const loadOrder = leastLoadedStrategy.order(pool, context(tracker, now, chain));
    expect(loadOrder.map(({ providerId }) => providerId)).toEqual(['fal', 'kie', 'runware']);
  });

  it('should reject invalid window options and a missing clock', () => {
    expect(() => new HealthTracker({ window: { bucketMs: 3_000, spanMs: 10_000 } })).toThrow(
      RangeError,
    );
    expect(() => new HealthTracker().stats('fal', Number.NaN)).toThrow(RangeError);
  });
});
