import { ProviderError } from '../../core/errors/index.js';

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
  // Not AbortSignal.any(): on Node 20 every combined signal stays registered on the long-lived
  // shutdown signal, so thousands of calls pile up listeners. One listener, removed after.
  const onShutdown = () => controller.abort(shutdown.reason);
  if (shutdown.aborted) controller.abort(shutdown.reason);
  else shutdown.addEventListener('abort', onShutdown, { once: true });
  const signal = controller.signal;
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
    shutdown.removeEventListener('abort', onShutdown);
  }
}
