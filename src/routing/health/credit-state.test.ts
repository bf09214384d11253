import { describe, expect, it } from 'vitest';
import { CreditState } from './credit-state.js';

describe('CreditState', () => {
  it('should treat a provider never marked as available', () => {
    const credit = new CreditState();
    expect(credit.isExhausted('runware')).toBe(false);
    expect(credit.describe('runware')).toEqual({ exhausted: false, since: null, reason: null });
  });

  it('should flag a provider out of credit with when and why', () => {
    const credit = new CreditState();
    credit.markExhausted('runware', 1_000, 'Insufficient credits');
    expect(credit.isExhausted('runware')).toBe(true);
    expect(credit.isExhausted('fal')).toBe(false);
    expect(credit.describe('runware')).toEqual({
      exhausted: true,
      since: 1_000,
      reason: 'Insufficient credits',
    });
  });

  it('should keep the first time and the latest reason when marked again', () => {
    const credit = new CreditState();
    credit.markExhausted('runware', 1_000, 'Insufficient credits');
    credit.markExhausted('runware', 5_000, 'Balance below minimum');
    expect(credit.describe('runware')).toEqual({
      exhausted: true,
      since: 1_000,
      reason: 'Balance below minimum',
    });
  });

  it('should stay exhausted whatever the time until marked available', () => {
    const credit = new CreditState();
    credit.markExhausted('kie', 0, '402');
    expect(credit.isExhausted('kie')).toBe(true);
    credit.markAvailable('kie', 86_400_000);
    expect(credit.describe('kie')).toEqual({ exhausted: false, since: 86_400_000, reason: null });
    credit.markAvailable('kie', 90_000_000);
    expect(credit.describe('kie').since).toBe(86_400_000);
    credit.markExhausted('kie', 100_000_000, '402 again');
    expect(credit.describe('kie')).toMatchObject({ exhausted: true, since: 100_000_000 });
  });

  it('should list the providers out of credit and hand out copies', () => {
    const credit = new CreditState();
    credit.markExhausted('replicate', 1, 'a');
    credit.markExhausted('aimlapi', 2, 'b');
    credit.markExhausted('fal', 3, 'c');
    credit.markAvailable('fal', 4);
    expect(credit.exhaustedProviders()).toEqual(['aimlapi', 'replicate']);
    const description = credit.describe('aimlapi');
    description.exhausted = false;
    expect(credit.isExhausted('aimlapi')).toBe(true);
  });
});
