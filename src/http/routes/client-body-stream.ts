import { Readable } from 'node:stream';

/**
 * A client's body (the request, or one multipart file part) as a stream whose failures are the
 * client's: `asClientError` maps a read error (an aborted upload, a malformed part) and `atEnd`
 * may refuse a body that ended wrong (a part the parser truncated). Stopping early never
 * destroys `source`: destroying a request destroys its socket, and the client could not read
 * the refusal; the caller drains it instead ({@link drainBody}).
 */
export function clientBodyStream(
  source: Readable,
  asClientError: (error: unknown) => unknown,
  atEnd?: () => void,
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of source.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
    } catch (error) {
      throw asClientError(error);
    }
    atEnd?.();
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * Discards what is left of a body after a refusal, so that a client still sending reaches the
 * end and reads the answer (bounded by the request timeout).
 */
export function drainBody(source: Readable): void {
  if (!source.readableEnded && !source.destroyed) source.resume();
}
