import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { ValidationError } from '../core/errors/index.js';

/**
 * A NUL, or half of a UTF-16 surrogate pair. PostgreSQL (and PGlite) cannot store either in
 * `text` or `jsonb` — a NUL is refused, a lone surrogate is refused in JSON and silently
 * replaced in text — so without this check such input ends as a 500 deep in a write.
 */
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first unstorable string (a value or an object key), if any. */
export function findUnstorableText(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return unstorable.test(value) ? path || '(body)' : undefined;
  // Uploads and webhook bodies arrive as bytes, or as the request stream itself (streamed
  // uploads: walking a socket's object graph would take the request hostage); only parsed
  // JSON and query strings are text.
  if (
    depth > 32 ||
    value === null ||
    typeof value !== 'object' ||
    Buffer.isBuffer(value) ||
    value instanceof Readable
  )
    return undefined;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  for (const [key, item] of entries) {
    const itemPath = path ? `${path}.${key}` : key;
    if (unstorable.test(key)) return itemPath;
    const found = findUnstorableText(item, itemPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses, before validation and on every route, a body, query string or path parameter that
 * holds text the database cannot store: 400 `invalid_text` naming the field.
 */
export function installUnstorableTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [where, value] of [
      ['body', request.body],
      ['query', request.query],
      ['params', request.params],
    ] as const) {
      const path = findUnstorableText(value);
      if (path === undefined) continue;
      throw new ValidationError(
        `The ${where} field '${path}' contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it or send valid Unicode.`,
        { parameter: path, location: where },
        'invalid_text',
      );
    }
  });
}
