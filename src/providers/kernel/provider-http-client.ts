import type { z } from 'zod';
import { ProviderError } from '../../core/errors/index.js';
import { createSecretRedactor } from '../../security/redact-secrets.js';
import type { HttpProviderConfig } from './http-provider-config.js';
import { redactJson } from './redact-json.js';
import { parseProviderResponse } from './parse-provider-response.js';
import { sendProviderRequest, type RawProviderResponse } from './provider-transport.js';
import {
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from './provider-error-from-status.js';

/** Maps a non-2xx answer to a typed error; undefined falls through to the next mapping. */
export type ProviderErrorMapper = (response: ProviderErrorResponse) => ProviderError | undefined;

/** How one adapter talks to its provider's API; fixed when the adapter is built. */
export interface ProviderHttpClientOptions {
  /** Provider instance id (named in every error). */
  providerId: string;
  /** The configured API base; trailing slashes are dropped, request paths are appended. */
  baseUrl: string;
  /** Auth and version headers sent on every request (never logged). */
  headers: Record<string, string>;
  /**
   * The auth headers for a per-call key (a caller's own key): they replace the configured ones
   * for that request. Without it, a request carrying `apiKey` is refused before it is sent.
   */
  authHeaders?: (apiKey: string) => Record<string, string>;
  /** The instance's `timeoutMs`: bounds every request, on top of the engine's signal. */
  timeoutMs?: number | undefined;
  /** The provider's error envelope → typed error; the shared status mapping is the fallback. */
  mapError?: ProviderErrorMapper;
  /**
   * Secrets sent some other way than in `headers` (a key in the body): removed, like the header
   * values, from every error text before any mapping sees it.
   */
  secrets?: readonly string[];
}

/** The values of auth headers, and the credential after a scheme (`Bearer <key>`). */
function secretsInHeaders(headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!/authorization|key|token|secret/i.test(name)) continue;
    secrets.push(value);
    const scheme = /^\S+\s+(.+)$/.exec(value);
    if (scheme?.[1]) secrets.push(scheme[1]);
  }
  return secrets;
}

/** One request to the provider's API. */
export interface ProviderHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path (with query string) below the base URL; `''` is the base URL itself. */
  path: string;
  /** JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** Any other body (FormData for multipart). */
  body?: FormData | string;
  /** The engine's signal (lease/shutdown). */
  signal: AbortSignal;
  /** Tried before the client's `mapError` for this request only (a 404 that means "gone"). */
  mapError?: ProviderErrorMapper;
  /**
   * A per-call key (the caller's own) sent instead of the configured one, through the client's
   * `authHeaders`; redacted from every error text of this request like the configured key.
   */
  apiKey?: string;
}

/** A successful (2xx) provider answer. */
export interface ProviderResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body was empty. */
  json: unknown;
}

/**
 * The one HTTP client every adapter uses, so base URL, auth, `timeoutMs` and error mapping mean
 * the same for every provider. Network failures become `provider_unavailable`, an aborted or
 * timed-out request `provider_timeout`, a non-JSON body `provider_bad_response`; non-2xx
 * answers go through the request's `mapError`, the client's, then the shared status mapping
 * (which reads `Retry-After`). Redirects are refused: a provider URL is only ever the base URL.
 *
 * @example
 * const http = ProviderHttpClient.fromConfig(config, {
 *   defaultBaseUrl: 'https://api.replicate.com/v1',
 *   headers: { authorization: `Bearer ${config.apiKey}` },
 *   mapError: (response) => replicateErrorFromResponse(config.id, response),
 * });
 * const response = await http.request({ method: 'GET', path: '/account', signal });
 */
export class ProviderHttpClient {
  readonly providerId: string;
  readonly baseUrl: string;
  /**
   * Removes this instance's secrets, credential shapes, account ids and internal hosts from
   * upstream text (kept whole up to the 2,000 characters a `responseBody` holds; mappers
   * shorten their messages themselves).
   */
  readonly redact: (text: string) => string;

  constructor(private readonly options: ProviderHttpClientOptions) {
    this.providerId = options.providerId;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.redact = createSecretRedactor(
      [...secretsInHeaders(options.headers), ...(options.secrets ?? [])],
      { maxLength: 2000 },
    );
  }

  /**
   * The client for a provider config entry: its `id`, its `baseUrl` override (else the
   * provider's default) and its `timeoutMs`, read the same way for every provider.
   */
  static fromConfig(
    config: Pick<HttpProviderConfig, 'id' | 'baseUrl' | 'timeoutMs'>,
    options: Pick<ProviderHttpClientOptions, 'headers' | 'authHeaders' | 'mapError' | 'secrets'> & {
      defaultBaseUrl: string;
    },
  ): ProviderHttpClient {
    return new ProviderHttpClient({
      providerId: config.id,
      baseUrl: config.baseUrl ?? options.defaultBaseUrl,
      headers: options.headers,
      timeoutMs: config.timeoutMs,
      ...(options.mapError ? { mapError: options.mapError } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.authHeaders ? { authHeaders: options.authHeaders } : {}),
    });
  }

  /** The headers and redaction of one request: the configured key's, or a per-call key's. */
  private credentialsFor(apiKey: string | undefined): {
    headers: Record<string, string>;
    redact: (text: string) => string;
  } {
    if (apiKey === undefined) return { headers: this.options.headers, redact: this.redact };
    const { authHeaders } = this.options;
    if (!authHeaders) {
      // Never fall back to the operator's key for a call that brought its own.
      throw new ProviderError({
        providerId: this.providerId,
        code: 'provider_auth_failed',
        message: `${this.providerId} does not take a per-request API key.`,
        isRetryable: false,
      });
    }
    const own = authHeaders(apiKey);
    // The configured auth headers go: a per-call key must never travel with the operator's.
    const replaced = lower(own);
    const headers = Object.fromEntries(
      Object.entries(this.options.headers).filter(([name]) => !(name.toLowerCase() in replaced)),
    );
    const redactOwn = createSecretRedactor([apiKey, ...secretsInHeaders(own)], {
      maxLength: 2000,
    });
    return { headers: { ...headers, ...own }, redact: (text) => this.redact(redactOwn(text)) };
  }

  async request(request: ProviderHttpRequest): Promise<ProviderResponse> {
    const providerId = this.providerId;
    const credentials = this.credentialsFor(request.apiKey);
    const redact = credentials.redact;
    const headers: Record<string, string> = { accept: 'application/json', ...credentials.headers };
    let body: FormData | string | undefined = request.body;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const timeoutMs = this.options.timeoutMs;
    const signal =
      timeoutMs === undefined
        ? request.signal
        : AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
    let response: RawProviderResponse;
    try {
      response = await sendProviderRequest(new URL(`${this.baseUrl}${request.path}`), {
        method: request.method,
        headers,
        body,
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new ProviderError({
          providerId,
          code: 'provider_timeout',
          message: `${providerId} did not answer in time.`,
          cause: error,
        });
      }
      throw new ProviderError({
        providerId,
        code: 'provider_unavailable',
        message: `${providerId} could not be reached: ${redact((error as Error).message)}`,
        cause: error,
      });
    }
    const { text } = response;
    let json: unknown;
    let jsonError: unknown;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch (error) {
        jsonError = error;
      }
    }
    if (response.status < 200 || response.status > 299) {
      // Redacted before any mapper reads it: whatever a mapper copies into a message (job
      // error, health, logs) can no longer carry a key the upstream echoed back.
      const errorResponse = {
        status: response.status,
        headers: response.headers,
        text: redact(text),
        json: redactJson(json, redact),
      };
      throw (
        request.mapError?.(errorResponse) ??
        this.options.mapError?.(errorResponse) ??
        providerErrorFromResponse(providerId, errorResponse)
      );
    }
    if (jsonError !== undefined) {
      const declared = (response.headers.get('content-type') ?? '').includes('json');
      throw badResponse(
        providerId,
        declared ? 'the body is not valid JSON' : 'the body is not JSON',
        redact(text),
      );
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Parses a response body with a minimal schema (`provider_bad_response` on mismatch). */
  parse<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
    return parseProviderResponse(this.providerId, schema, value);
  }
}

/** Header names lower-cased, as a lookup object. */
function lower(headers: Record<string, string>): Record<string, true> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name.toLowerCase(), true]));
}

function badResponse(providerId: string, reason: string, text: string): ProviderError {
  return new ProviderError({
    providerId,
    code: 'provider_bad_response',
    message: `${providerId} answered with an unreadable response: ${reason}.`,
    responseBody: text,
  });
}
