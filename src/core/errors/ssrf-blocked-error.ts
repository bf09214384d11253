import { GatewayError } from './gateway-error.js';

/**
 * A URL the gateway was asked to fetch (input image, provider result, webhook target) points
 * somewhere it must not go: a private or loopback address, cloud metadata, a non-HTTP scheme.
 * Never retryable: the same URL will be refused again.
 */
export class SsrfBlockedError extends GatewayError {
  /**
   * @param url The refused URL; its query string and fragment are dropped before it is put in
   *   `details`, because they often carry signed tokens.
   * @param reason Short machine-readable reason, e.g. `private_address`, `scheme_not_allowed`.
   */
  constructor(url: string | URL, reason: string, cause?: unknown) {
    const shown = redactUrl(url);
    super({
      code: 'url_not_allowed',
      message: `The URL ${shown} is not allowed (${reason}).`,
      httpStatus: 400,
      details: { url: shown, reason },
      cause,
    });
  }
}

function redactUrl(url: string | URL): string {
  if (typeof url !== 'string') return stripQuery(url);
  try {
    return stripQuery(new URL(url));
  } catch {
    // Unparsable input: cut at the first '?' or '#' by hand and cap the length, since it is echoed.
    return url.split(/[?#]/, 1)[0]!.slice(0, 200);
  }
}

function stripQuery(url: URL): string {
  const copy = new URL(url.href);
  copy.search = '';
  copy.hash = '';
  // Credentials must never be echoed back either.
  copy.username = '';
  copy.password = '';
  return copy.href;
}
