import { z } from 'zod';
import { ErrorEnvelopeSchema } from './error-envelope.js';

/** What each error status means on this API, as `/docs` shows it. */
const errorDescriptions = {
  400: 'Invalid request (body, query or parameters)',
  401: 'Missing or invalid key',
  402: 'Quota or budget exhausted, or provider credit empty',
  403: 'The key lacks the scope, or the feature is disabled',
  404: 'No such resource (or not visible to this key)',
  409: 'Conflicts with the resource state (idempotency mismatch, not ready yet)',
  413: 'Payload too large',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Understood but cannot be served (no capable provider, unsupported option)',
  429: 'Rate limit, quota or budget exceeded',
  500: 'Internal error',
  502: 'Provider failure',
  503: 'Unavailable (shutting down, dependency down)',
  504: 'Still running when the synchronous wait ended',
  507: 'Storage full',
} as const;

export type ErrorStatus = keyof typeof errorDescriptions;

/** The error statuses any route can give: validation, auth, rate limits and the unexpected. */
export const commonErrorStatuses: readonly ErrorStatus[] = [400, 401, 403, 429, 500];

/** One documented response: a description and a JSON schema. */
export function jsonResponse<Schema extends z.ZodType>(description: string, schema: Schema) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * The error responses of a route, each with the shared envelope: the common ones plus the
 * route's own (`errorResponses(404, 409)`). Spread into a route's `response` next to its 2xx.
 */
export function errorResponses(...extra: ErrorStatus[]) {
  const statuses = [...new Set([...commonErrorStatuses, ...extra])].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      jsonResponse(errorDescriptions[status], ErrorEnvelopeSchema),
    ]),
  ) as Record<ErrorStatus, ReturnType<typeof jsonResponse<typeof ErrorEnvelopeSchema>>>;
}

/** A 204 response: done, no body. */
export const noContent = z.null().meta({ description: 'Done (no body)' });
