import type { z } from 'zod';
import { ProviderError } from '../../core/errors/index.js';
import {
  providerErrorFromResponse,
  type ProviderErrorResponse,
} from './provider-error-from-status.js';

export interface CallProviderOptions {
  /** Provider instance id (for errors). */
  providerId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** Any other body (FormData for multipart). */
  body?: FormData | string;
  /** The engine's signal (lease/shutdown); the call is also bounded by `timeoutMs`. */
  signal: AbortSignal;
  /** The provider instance's configured per-call timeout, if any. */
  timeoutMs?: number | undefined;
  /** Maps a non-2xx answer to a typed error; return undefined for the default mapping. */
  mapError?: (response: ProviderErrorResponse) => ProviderError | undefined;
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
 * One HTTP call to a provider's API (its configured base URL; never a URL taken from a
 * response without checking its origin). Network failures become `provider_unavailable`, an
 * aborted or timed-out call `provider_timeout`, a non-JSON body `provider_bad_response`, and non-2xx answers
 * go through `mapError` then the shared status mapping.
 */
export async function callProvider(options: CallProviderOptions): Promise<ProviderResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: FormData | string | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const signal =
    options.timeoutMs === undefined
      ? options.signal
      : AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let response: Response;
  let text: string;
  try {
    response = await fetch(options.url, {
      method: options.method,
      headers,
      body,
      signal,
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) {
      throw new ProviderError({
        providerId: options.providerId,
        code: 'provider_timeout',
        message: `${options.providerId} did not answer in time.`,
        cause: error,
      });
    }
    throw new ProviderError({
      providerId: options.providerId,
      code: 'provider_unavailable',
      message: `${options.providerId} could not be reached: ${(error as Error).message}`,
      cause: error,
    });
  }
  let json: unknown;
  let jsonError: unknown;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      jsonError = error;
    }
  }
  if (!response.ok) {
    const errorResponse = { status: response.status, headers: response.headers, text, json };
    throw (
      options.mapError?.(errorResponse) ??
      providerErrorFromResponse(options.providerId, errorResponse)
    );
  }
  if (jsonError !== undefined && (response.headers.get('content-type') ?? '').includes('json')) {
    throw badResponse(options.providerId, 'the body is not valid JSON', text);
  }
  if (jsonError !== undefined) throw badResponse(options.providerId, 'the body is not JSON', text);
  return { status: response.status, headers: response.headers, text, json };
}

function badResponse(providerId: string, reason: string, text: string): ProviderError {
  return new ProviderError({
    providerId,
    code: 'provider_bad_response',
    message: `${providerId} answered with an unreadable response: ${reason}.`,
    responseBody: text,
  });
}

/**
 * Parses a provider response body with a (minimal, `.nullish()`-tolerant) zod schema; a shape
 * we cannot read is `provider_bad_response` (retryable), never a crash.
 */
export function parseProviderResponse<Schema extends z.ZodType>(
  providerId: string,
  schema: Schema,
  value: unknown,
): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderError({
      providerId,
      code: 'provider_bad_response',
      message: `${providerId} answered with an unexpected shape (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}).`,
      responseBody: JSON.stringify(value)?.slice(0, 2000),
    });
  }
  return parsed.data;
}
