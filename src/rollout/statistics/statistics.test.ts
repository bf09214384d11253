import { describe, expect, it } from 'vitest';
import { mannWhitneyFromCounts, mannWhitneyFromValues } from './mann-whitney-u.js';
import {
  alwaysValidPValue,
  logMixtureRatio,
  lowerConfidenceBound,
  mixtureBoundary,
} from './mixture-sprt.js';
import { normalCdf, normalQuantile, normalSurvival } from './normal-distribution.js';
import { twoProportionTest } from './two-proportion-test.js';
import { binomialMixtureTest, logGamma } from './binomial-mixture-sprt.js';

describe('the normal distribution', () => {
  it('should match the tables (scipy.stats.norm.cdf / sf / ppf)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
    expect(normalSurvival(5) / 2.866515718791933e-7).toBeCloseTo(1, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('the Mann-Whitney U test', () => {
  // scipy: mannwhitneyu(b, a, alternative='greater', use_continuity=False, method='asymptotic')
  // with a = [1,2,2,3,5,7,7], b = [2,3,4,4,6,7,8,9] → U = 38.5, p = 0.1100738 (tie-corrected).
  const a = [1, 2, 2, 3, 5, 7, 7];
  const b = [2, 3, 4, 4, 6, 7, 8, 9];

  it('should give U and the tie-corrected p-value that scipy gives', () => {
    const result = mannWhitneyFromValues(b, a);
    expect(result.u).toBe(38.5);
    expect(result.pValue).toBeCloseTo(0.1100738, 5);
    expect(result.effect).toBeCloseTo(38.5 / 56 - 0.5, 12);
    const reverse = mannWhitneyFromValues(a, b);
    expect(reverse.u).toBe(17.5);
    expect(reverse.pValue).toBeCloseTo(0.8899262, 5);
  });

  it('should give the same answer from histogram counts as from the values in those bins', () => {
    // Bins 1..9: the counts of each value above.
    const countsA = [1, 2, 1, 0, 1, 0, 2, 0, 0];
    const countsB = [0, 1, 1, 2, 0, 1, 1, 1, 1];
    const fromCounts = mannWhitneyFromCounts(countsB, countsA);
    expect(fromCounts.u).toBe(38.5);
    expect(fromCounts.z).toBeCloseTo(mannWhitneyFromValues(b, a).z, 12);
  });

  it('should find no difference when every value is tied, and nothing without data', () => {
    expect(mannWhitneyFromCounts([5], [7])).toMatchObject({ z: 0, pValue: 1, effect: 0 });
    expect(mannWhitneyFromCounts([0, 0], [3, 1])).toMatchObject({ canarySamples: 0, pValue: 1 });
  });

  it('should give effect 0.5 when every canary value is above every baseline value', () => {
    expect(mannWhitneyFromCounts([0, 0, 4], [3, 0, 0]).effect).toBe(0.5);
  });
});

describe('the two-proportion test', () => {
  it('should match the pooled z-test by hand', () => {
    // 30/1000 vs 20/1000: p̄ = 0.025, V = 0.025·0.975·(2/1000) = 4.875e-5, z = 0.01/√V = 1.43223,
    // one-sided p = 1 − Φ(1.43223) = 0.0760390.
    const result = twoProportionTest({ events: 30, trials: 1000 }, { events: 20, trials: 1000 });
    expect(result.difference).toBeCloseTo(0.01, 12);
    expect(result.nullVariance).toBeCloseTo(4.875e-5, 12);
    expect(result.z).toBeCloseTo(1.4322297, 6);
    expect(result.pValue).toBeCloseTo(0.076039, 5);
  });

  it('should say nothing without trials or without any event', () => {
    expect(twoProportionTest({ events: 0, trials: 0 }, { events: 1, trials: 10 }).pValue).toBe(1);
    expect(twoProportionTest({ events: 0, trials: 50 }, { events: 0, trials: 50 }).z).toBe(0);
  });
});

describe('the mixture SPRT', () => {
  it('should compute the half-normal mixture likelihood ratio', () => {
    // V = τ = 1, θ̂ = 2: Λ = 2Φ(2/√2)·√(1/2)·e^(4/4) = 2·0.921350·0.707107·2.718282 = 3.541884.
    expect(Math.exp(logMixtureRatio(2, 1, 1))).toBeCloseTo(3.541884, 5);
    // V = 0.0004, τ = 0.05, θ̂ = 0.04: log Λ = 1.394614, p = 0.2479288 (scipy, log form).
    expect(logMixtureRatio(0.04, 0.0004, 0.05)).toBeCloseTo(1.394614, 5);
    expect(alwaysValidPValue(0.04, 0.0004, 0.05)).toBeCloseTo(0.2479288, 5);
  });

  it('should reject only above the boundary where Λ = 1/α', () => {
    // brentq(lambda x: logΛ(x, 0.0004, 0.05) − ln 20, 0, 0.5) = 0.0553239
    const boundary = mixtureBoundary(0.0004, 0.05, 0.05);
    expect(boundary).toBeCloseTo(0.0553239, 6);
    expect(alwaysValidPValue(boundary * 1.001, 0.0004, 0.05)).toBeLessThan(0.05);
    expect(alwaysValidPValue(boundary * 0.999, 0.0004, 0.05)).toBeGreaterThan(0.05);
    expect(lowerConfidenceBound(0.1, 0.0004, 0.05, 0.05)).toBeCloseTo(0.1 - 0.0553239, 6);
  });

  it('should never reject without information or for a canary that is better', () => {
    expect(mixtureBoundary(0, 0.05, 0.05)).toBe(Number.POSITIVE_INFINITY);
    expect(alwaysValidPValue(-0.3, 0.0004, 0.05)).toBe(1);
  });
});

describe('the binomial mixture test of two proportions', () => {
  it('should compute ln Γ as scipy.special.gammaln does', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429, 9);
    expect(logGamma(10)).toBeCloseTo(12.8018274801, 9);
    expect(logGamma(0.1)).toBeCloseTo(2.2527126517, 9);
  });

  it('should give the Beta-mixture likelihood ratio (scipy.special.betaln by hand)', () => {
    // π₀ = 0.1 (canary 100 of 1000 trials), 12 of 40 events in the canary, prior Beta(0.4, 3.6):
    // betaln(12.4, 31.6) − betaln(0.4, 3.6) − 12 ln 0.1 − 28 ln 0.9 = 3.9312.
    const result = binomialMixtureTest({ events: 12, trials: 100 }, { events: 28, trials: 900 });
    expect(result.logRatio).toBeCloseTo(3.9312, 4);
    expect(result.pValue).toBeCloseTo(Math.exp(-3.9312), 5);
  });

  it('should not reject on two rare events where the normal approximation would', () => {
    // 2 redos of 66 against 0 of 472: pooled z = 3.8, fixed p < 0.0001; log LR = 0.888.
    const rare = binomialMixtureTest({ events: 2, trials: 66 }, { events: 0, trials: 472 });
    expect(rare.logRatio).toBeCloseTo(0.888016, 5);
    expect(rare.pValue).toBeGreaterThan(0.4);
    expect(
      twoProportionTest({ events: 2, trials: 66 }, { events: 0, trials: 472 }).z,
    ).toBeGreaterThan(3.7);
  });

  it('should never reject a canary with fewer than its share of the events', () => {
    expect(binomialMixtureTest({ events: 1, trials: 500 }, { events: 9, trials: 500 }).pValue).toBe(
      1,
    );
    expect(binomialMixtureTest({ events: 0, trials: 5 }, { events: 0, trials: 5 }).pValue).toBe(1);
  });
});
