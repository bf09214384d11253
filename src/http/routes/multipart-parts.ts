import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { GatewayError, ValidationError } from '../../core/errors/index.js';
import { clientBodyStream, drainBody } from './client-body-stream.js';

/**
 * One part of a multipart body. A file is a stream to read while the part is current (the next
 * part comes only after it); one not read is drained when the iteration moves on.
 */
export type MultipartPart =
  | { type: 'file'; fieldname: string; file: Readable }
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
      const source = part.file;
      // Past `limits.fileSize` the parser ends the part early and marks it truncated: the
      // same 413 `toBuffer()` throws, before a cut-off file could pass for a whole one.
      const tooLarge = () => {
        if (source.truncated) throw new request.server.multipartErrors.RequestFileTooLargeError();
      };
      try {
        yield {
          type: 'file',
          fieldname: part.fieldname,
          file: clientBodyStream(source, asClientError, tooLarge),
        };
      } finally {
        drainBody(source);
      }
    } else {
      yield { type: 'field', fieldname: part.fieldname, value: part.value };
    }
  }
}
