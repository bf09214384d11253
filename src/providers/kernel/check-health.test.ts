import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorCode } from '../../core/errors/index.js';
import { checkHealth, creditsFromBalance } from './check-health.js';

const refusal = (code: ProviderErrorCode, statusCode: number) =>
  new ProviderError({
    providerId: 'acme',
    code,
    message: `acme answered ${statusCode}`,
    statusCode,
  });

describe('checkHealth', () => {
  it('should pass a probe that resolves and keep what it reports', async () => {
    expect(await checkHealth(async () => undefined)).toMatchObject({ ok: true });
    expect(
      await checkHealth(async () => ({ ok: true, credits: creditsFromBalance(0) })),
    ).toMatchObject({ ok: true, credits: { remainingUsd: 0, exhausted: true } });
  });

  it('should fail with the error message and report exhausted credits on a 402', async () => {
    const result = await checkHealth(async () => {
      throw refusal('provider_insufficient_credits', 402);
    });
    expect(result).toMatchObject({
      ok: false,
      error: 'acme answered 402',
      credits: { exhausted: true },
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('should pass the statuses a probe accepts and fail the others', async () => {
    const probe = (status: number) => async () => {
      throw refusal('provider_invalid_request', status);
    };
    expect(await checkHealth(probe(404), { acceptStatuses: [404] })).toMatchObject({ ok: true });
    expect(await checkHealth(probe(401), { acceptStatuses: [404] })).toMatchObject({ ok: false });
  });
});
