import { describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../core/provider-adapter.js';
import { sampleRequest } from '../../test/contracts/sample-request.js';
import { simulatorModels } from '../providers/simulator/simulator-models.js';
import { SimulatorProfileSchema } from '../providers/simulator/simulator-profile.js';
import { actualCost, estimateAdapterCost, estimateCost } from './estimate-cost.js';

describe('estimateCost', () => {
  it('should price images per output with size and quality overrides', () => {
    const rule = {
      type: 'per_image',
      usd: 0.04,
      bySize: { '1792x1024': 0.08 },
      byQuality: { premium: 0.12 },
    } as const;
    expect(estimateCost(rule, { n: 3 })).toBeCloseTo(0.12);
    expect(estimateCost(rule, { n: 1, width: 1792, height: 1024 })).toBeCloseTo(0.08);
    expect(estimateCost(rule, { n: 2, quality: 'premium' })).toBeCloseTo(0.24);
  });

  it('should let a quality-and-size price win over either alone', () => {
    const rule = {
      type: 'per_image',
      usd: 0.04,
      bySize: { '1792x1024': 0.08 },
      byQuality: { premium: 0.08 },
      byQualityAndSize: { 'premium:1792x1024': 0.12 },
    } as const;
    expect(estimateCost(rule, { n: 1, width: 1792, height: 1024, quality: 'premium' })).toBeCloseTo(
      0.12,
    );
    expect(estimateCost(rule, { n: 1, width: 1024, height: 1024, quality: 'premium' })).toBeCloseTo(
      0.08,
    );
    expect(
      estimateCost(rule, { n: 1, width: 1792, height: 1024, quality: 'standard' }),
    ).toBeCloseTo(0.08);
  });

  it('should price video per second of output and per resolution', () => {
    const rule = { type: 'per_second', usd: 0.05, byResolution: { '1080p': 0.1 } } as const;
    expect(estimateCost(rule, { n: 1, duration: 10 })).toBeCloseTo(0.5);
    expect(estimateCost(rule, { n: 1, duration: 8, resolution: '1080p' })).toBeCloseTo(0.8);
  });

  it('should count 1024×1024 as one megapixel and round up per image', () => {
    expect(
      estimateCost({ type: 'per_megapixel', usd: 0.025 }, { n: 1, width: 1024, height: 1024 }),
    ).toBeCloseTo(0.025);
    expect(
      estimateCost({ type: 'per_megapixel', usd: 0.025 }, { n: 2, width: 512, height: 512 }),
    ).toBeCloseTo(0.05);
    expect(
      estimateCost({ type: 'per_megapixel', usd: 0.025 }, { n: 1, width: 1536, height: 1024 }),
    ).toBeCloseTo(0.05);
  });

  it('should prefer the provider figure for the actual cost', () => {
    expect(
      actualCost({ type: 'per_second', usd: 0.05 }, { n: 1, duration: 5 }, { costUsd: 0.0668 }, 1),
    ).toBeCloseTo(0.0668);
  });

  it('should compute compute-second prices from the reported predict time', () => {
    const rule = { type: 'per_compute_second', usd: 0.001, estimatedSecondsPerOutput: 10 } as const;
    expect(estimateCost(rule, { n: 2 })).toBeCloseTo(0.02);
    expect(actualCost(rule, { n: 2 }, { computeSeconds: 3.5 }, 2)).toBeCloseTo(0.0035);
  });

  it('should charge only the outputs actually produced when no figure is reported', () => {
    expect(actualCost({ type: 'per_image', usd: 0.01 }, { n: 4 }, undefined, 3)).toBeCloseTo(0.03);
  });
});

describe('estimateAdapterCost', () => {
  const offering = simulatorModels(SimulatorProfileSchema.parse({}))[0]!;
  const request = sampleRequest(offering, { overrides: { n: 2 } });
  const adapter = (own?: number) => ({ estimateCost: own === undefined ? undefined : () => own });

  it("should apply the offering's price rule when the adapter has no estimate of its own", () => {
    expect(estimateAdapterCost(adapter() as unknown as ProviderAdapter, request)).toBe(
      estimateCost(offering.price, request),
    );
  });

  it("should prefer the adapter's own estimate", () => {
    expect(estimateAdapterCost(adapter(0.5) as unknown as ProviderAdapter, request)).toBe(0.5);
  });

  it('should not believe a reported cost below zero or beyond ten times the list price', () => {
    const rule = { type: 'per_second', usd: 0.05 } as const;
    // The list price of 5 s is $0.25: a negative report is replaced by it, a huge one is capped.
    expect(actualCost(rule, { n: 1, duration: 5 }, { costUsd: -123.45 }, 1)).toBeCloseTo(0.25);
    expect(actualCost(rule, { n: 1, duration: 5 }, { costUsd: Number.NaN }, 1)).toBeCloseTo(0.25);
    expect(actualCost(rule, { n: 1, duration: 5 }, { costUsd: 1000 }, 1)).toBeCloseTo(2.5);
    expect(actualCost(rule, { n: 1, duration: 5 }, { costUsd: 0.3 }, 1)).toBeCloseTo(0.3);
  });
});
