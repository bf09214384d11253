import { Readable } from 'node:stream';
import { createId } from '../core/create-id.js';
import { GatewayError, PayloadTooLargeError, ValidationError } from '../core/errors/index.js';
import type { ObjectStore } from '../core/object-store.js';
import type { OutputFileRow } from '../store/repositories/mark-submitted-and-succeeded.js';
import { headBytes, readHead } from './read-head.js';
import { imageTailBytes, isCompleteImage, sniffImageHead } from './sniff-media.js';
import { streamToObjectStore } from './stream-to-object-store.js';

/** A client's input image as it arrives: a request body or a multipart file part. */
export interface ImageUploadInput {
  /** The bytes; read once, never held whole. Not destroyed on failure (the caller drains it). */
  body: Readable;
  /** Largest accepted file (`uploads.maxBytes`); one byte more stops the write with 413. */
  maxBytes: number;
  /** Names the file in messages (`The upload`, `input_reference`). */
  what?: string;
  /** The uploading tenant. */
  tenantId?: string | null;
  /** The job the image belongs to (an input image fetched for it), if any. */
  generationId?: string | null;
  /**
   * The error for bytes that are not a complete PNG, JPEG, WebP or GIF image (an empty body
   * included); default: 415 `unsupported_media_type` naming `what`, and 400 for an empty body.
   */
  notAnImage?: () => GatewayError;
}

function notAnImage(what: string): GatewayError {
  return new GatewayError({
    code: 'unsupported_media_type',
    message: `${what} is not a PNG, JPEG, WebP or GIF image.`,
    httpStatus: 415,
  });
}

/**
 * Writes an uploaded image to the object store as it arrives: its type is sniffed from the first
 * bytes (nothing is stored for a non-image), the bytes are counted on the way (413 the moment
 * they pass `maxBytes`, whatever Content-Length said) and the end is checked last (a truncated
 * image is deleted again). Only the head and the last 64 KiB are ever held. On any failure
 * nothing stays in the store; the row is the caller's to insert.
 */
export async function writeImageUpload(
  objects: ObjectStore,
  input: ImageUploadInput,
): Promise<OutputFileRow> {
  const { body, maxBytes } = input;
  const what = input.what ?? 'The upload';
  const refuse = input.notAnImage ?? (() => notAnImage(what));
  const head = await readHead(body, Math.min(headBytes, maxBytes + 1));
  const first = Buffer.concat(head.chunks);
  if (first.length === 0) {
    if (input.notAnImage) throw input.notAnImage();
    throw new ValidationError(`${what} is empty.`, { parameter: 'file' });
  }
  if (first.length > maxBytes) throw new PayloadTooLargeError(what, maxBytes);
  const sniffed = sniffImageHead(first);
  if (!sniffed) throw refuse();

  let bytes = first.length;
  let tail: Buffer[] = [first];
  let tailLength = first.length;
  // The rest of the body, counted and with its last bytes kept. `destroyOnReturn: false`: a
  // refusal must not destroy the request, or the client would never read the 413.
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.ended) return;
    for await (const data of body.iterator({ destroyOnReturn: false })) {
      const chunk = data as Buffer;
      bytes += chunk.length;
      if (bytes > maxBytes) throw new PayloadTooLargeError(what, maxBytes);
      tail.push(chunk);
      tailLength += chunk.length;
      while (tail.length > 1 && tailLength - tail[0]!.length >= imageTailBytes)
        tailLength -= tail.shift()!.length;
      yield chunk;
    }
  }
  const id = createId('asset');
  const storageKey = `${id.slice(-2)}/${id}`;
  const written = await streamToObjectStore(objects, storageKey, {
    head: [first],
    rest: Readable.from(rest()),
    contentType: sniffed.mimeType,
  });
  const ends = { head: first, tail: Buffer.concat(tail), bytes: written.bytes };
  tail = [];
  if (!isCompleteImage(ends, sniffed.mimeType)) {
    await objects.delete([storageKey]);
    throw refuse();
  }
  return {
    id,
    purpose: 'upload',
    mimeType: sniffed.mimeType,
    bytes: written.bytes,
    sha256: written.sha256,
    width: sniffed.width,
    height: sniffed.height,
    durationSeconds: null,
    storageKey,
    inlineBytes: null,
    generationId: input.generationId ?? null,
    tenantId: input.tenantId ?? null,
  };
}
