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
    options: Pick<ProviderHttpClientOptions, 'headers' | 'mapError' | 'secrets'> & {
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
    });
  }

  async request(request: ProviderHttpRequest): Promise<ProviderResponse> {
    const providerId = this.providerId;
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
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
        message: `${providerId} could not be reached: ${this.redact((error as Error).message)}`,
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
        text: this.redact(text),
        json: redactJson(json, this.redact),
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
        this.redact(text),
      );
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Parses a response body with a minimal schema (`provider_bad_response` on mismatch). */
  parse<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
    return parseProviderResponse(this.providerId, schema, value);
  }
}

function badResponse(providerId: string, reason: string, text: string): ProviderError {
  return new ProviderError({
    providerId,
    code: 'provider_bad_response',
    message: `${providerId} answered with an unreadable response: ${reason}.`,
    responseBody: text,
  });
}
