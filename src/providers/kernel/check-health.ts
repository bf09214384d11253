import { ProviderError } from '../../core/errors/index.js';
import type { HealthCheckResult } from '../../core/provider-adapter.js';

/** What a probe learned besides "it answered" (a balance, or a refusal inside a 200). */
export type HealthProbeResult = Omit<HealthCheckResult, 'latencyMs'>;

export interface CheckHealthOptions {
  /**
   * HTTP statuses that still prove the key works (fal probes a request id that cannot exist,
   * so its 404 is a pass).
   */
  acceptStatuses?: readonly number[];
}

/**
 * Runs an adapter's cheap, never-billable probe and times it. A probe that resolves is a pass
 * (or whatever it returns); a failed call is `ok: false` with the error's safe message, and
 * an insufficient-credits refusal also reports the balance as exhausted, which takes the
 * provider out of routing until a later check passes.
 *
 * @example
 * healthCheck(context) {
 *   return checkHealth(async () => {
 *     const { signal } = context;
 *     const response = await this.http.request({ method: 'GET', path: '/account', signal });
 *     const account = this.http.parse(AccountSchema, response.json);
 *     return { ok: true, credits: creditsFromBalance(account.balanceUsd) };
 *   });
 * }
 */
export async function checkHealth(
  probe: () => Promise<HealthProbeResult | void>,
  options: CheckHealthOptions = {},
): Promise<HealthCheckResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    const result = await probe();
    return { ok: true, ...result, latencyMs: latencyMs() };
  } catch (error) {
    const provider = error instanceof ProviderError ? error : undefined;
    if (provider?.statusCode !== undefined && options.acceptStatuses?.includes(provider.statusCode))
      return { ok: true, latencyMs: latencyMs() };
    const exhausted = provider?.code === 'provider_insufficient_credits';
    return {
      ok: false,
      latencyMs: latencyMs(),
      error: error instanceof Error ? error.message : String(error),
      ...(exhausted ? { credits: { exhausted } } : {}),
    };
  }
}

/** A balance in USD as health-check credits (zero or less is exhausted). */
export function creditsFromBalance(
  remainingUsd: number,
): NonNullable<HealthCheckResult['credits']> {
  return { remainingUsd, exhausted: remainingUsd <= 0 };
}
