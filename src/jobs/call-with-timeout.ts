import { ProviderError } from '../core/errors/index.js';

/**
 * Runs a provider call with a deadline. The adapter gets an AbortSignal; if it ignores it, the
 * race still ends the wait, so a hanging provider can never hold a worker forever.
 */
export async function callWithTimeout<T>(
  providerId: string,
  timeoutMs: number,
  shutdown: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, shutdown]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new ProviderError({
          providerId,
          code: 'provider_timeout',
          message: `Provider '${providerId}' did not answer within ${timeoutMs} ms.`,
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
