import { GatewayError } from '../core/errors/index.js';

/* The errors of gateway-initiated downloads (`safeFetch`, `safeFetchStream`), one shape each. */

export function timedOut(shown: string, timeoutMs: number, error: unknown): GatewayError {
  return new GatewayError({
    code: 'download_timeout',
    message: `Fetching ${shown} took longer than ${timeoutMs} ms.`,
    httpStatus: 504,
    isRetryable: true,
    details: { url: shown, timeoutMs },
    cause: error,
  });
}

export function networkFailure(shown: string, error: unknown): GatewayError {
  return new GatewayError({
    code: 'download_failed',
    message: `Fetching ${shown} failed: ${describeNetworkError(error)}.`,
    httpStatus: 502,
    isRetryable: true,
    details: { url: shown, reason: describeNetworkError(error) },
    cause: error,
  });
}

export function notOk(url: string, status: number): GatewayError {
  const shown = displayUrl(url);
  return new GatewayError({
    code: 'download_failed',
    message: `Fetching ${shown} returned HTTP ${status}.`,
    httpStatus: 502,
    isRetryable: status >= 500 || status === 429,
    details: { url: shown, status },
  });
}

export function tooLarge(shown: string, maxBytes: number): GatewayError {
  return new GatewayError({
    code: 'download_too_large',
    message: `The response from ${shown} is larger than the ${maxBytes}-byte limit.`,
    httpStatus: 413,
    details: { url: shown, maxBytes },
  });
}

export function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.message;
  }
  return String(error);
}

/** The URL as it may appear in errors: no query string or fragment (signed tokens), no userinfo. */
export function displayUrl(url: string | URL): string {
  try {
    const copy = new URL(typeof url === 'string' ? url : url.href);
    copy.search = '';
    copy.hash = '';
    copy.username = '';
    copy.password = '';
    return copy.href;
  } catch {
    return String(url).split(/[?#]/, 1)[0]!.slice(0, 200);
  }
}
