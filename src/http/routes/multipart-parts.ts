import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { GatewayError, ValidationError } from '../../core/errors/index.js';

/** One part of a multipart body, its file already read (within the plugin's size limits). */
export type MultipartPart =
  | { type: 'file'; fieldname: string; data: Buffer }
  | { type: 'field'; fieldname: string; value: unknown };

/**
 * A parser failure is the client's malformed body (400 `invalid_multipart`); Fastify's own
 * coded errors (limits, content type) and ours keep their meaning.
 */
function asClientError(error: unknown): unknown {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('FST_')) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ValidationError(
    `The multipart body is malformed: ${message}`,
    undefined,
    'invalid_multipart',
  );
}

/**
 * The parts of a multipart request. Only reading the body is guarded: what the caller does with
 * each part (storing a file) fails with its own error, never mistaken for a malformed body.
 */
export async function* multipartParts(request: FastifyRequest): AsyncGenerator<MultipartPart> {
  let iterator: AsyncIterator<Multipart>;
  try {
    iterator = request.parts()[Symbol.asyncIterator]();
  } catch (error) {
    throw asClientError(error);
  }
  for (;;) {
    let next: IteratorResult<Multipart>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw asClientError(error);
    }
    if (next.done) return;
    const part = next.value;
    if (part.type === 'file') {
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch (error) {
        throw asClientError(error);
      }
      yield { type: 'file', fieldname: part.fieldname, data };
    } else {
      yield { type: 'field', fieldname: part.fieldname, value: part.value };
    }
  }
}
