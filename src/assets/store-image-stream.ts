import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { createId } from '../core/create-id.js';
import type { GatewayError } from '../core/errors/index.js';
import type { Asset, AssetStore, PreparedAsset, StreamAssetInput } from './asset-store.js';
import { headBytes, readHead } from './read-head.js';
import { imageEndsCompletely, imageTailBytes, sniffImageHead, sniffMedia } from './sniff-media.js';
import { streamToObjectStore } from './stream-to-object-store.js';

/** What {@link storeImageStream} stores, and how a refusal names it. */
export interface StoreImageStreamInput extends StreamAssetInput {
  /**
   * Builds the error for bytes that are not a PNG, JPEG, WebP or GIF image (or are cut short);
   * the caller knows what to call the file and which code its clients expect.
   */
  notAnImage: () => GatewayError;
}

/**
 * Stores an image read from a stream (a client's input image by URL) without ever holding it
 * whole: the type and size are sniffed from the first MiB, the rest goes straight on to the
 * object store, and the end is checked once it has passed (a truncated file or a header glued
 * to other bytes is refused). Anything refused or broken leaves nothing behind: no object, no
 * row. The source's own errors (the download's limit or timeout) are rethrown as they are.
 */
export async function storeImageStream(
  assets: AssetStore,
  input: StoreImageStreamInput,
): Promise<Asset> {
  const { body, notAnImage, ...rest } = input;
  let head: { chunks: Buffer[]; ended: boolean };
  try {
    head = await readHead(body, headBytes);
  } catch (error) {
    body.destroy();
    throw error;
  }
  const first = Buffer.concat(head.chunks);
  if (head.ended) {
    // Small enough to have arrived whole: the ordinary, complete check.
    if (sniffMedia(first)?.kind !== 'image') throw notAnImage();
    return insertOrDiscard(assets, await assets.writeFile({ ...rest, data: first }));
  }
  const sniffed = sniffImageHead(first);
  if (!sniffed) {
    body.destroy();
    throw notAnImage();
  }
  const id = createId('asset');
  const storageKey = `${id.slice(-2)}/${id}`;
  const tail = new TailKeeper(imageTailBytes);
  tail.remember(first);
  // pipeline carries an error of the body (too large, timed out) into `tail`, where the store
  // reads it, and destroys the body (closing the download) when the store destroys `tail`.
  pipeline(body, tail, () => undefined);
  const { bytes, sha256 } = await streamToObjectStore(assets.objects, storageKey, {
    head: [first],
    rest: tail,
    contentType: sniffed.mimeType,
  });
  const prepared: PreparedAsset = {
    id,
    purpose: rest.purpose,
    mimeType: sniffed.mimeType,
    bytes,
    sha256,
    width: sniffed.width,
    height: sniffed.height,
    durationSeconds: null,
    storageKey,
    generationId: rest.generationId ?? null,
    tenantId: rest.tenantId ?? null,
  };
  if (
    !imageEndsCompletely({ head: first, tail: tail.bytes(), totalBytes: bytes }, sniffed.mimeType)
  ) {
    await assets.discard([prepared]);
    throw notAnImage();
  }
  return insertOrDiscard(assets, prepared);
}

async function insertOrDiscard(assets: AssetStore, prepared: PreparedAsset): Promise<Asset> {
  try {
    return await assets.insertRow(prepared);
  } catch (error) {
    await assets.discard([prepared]).catch(() => undefined);
    throw error;
  }
}

/** A pass-through that remembers the last `size` bytes that went by. */
class TailKeeper extends Transform {
  // The newest chunks that hold the last `size` bytes; joined only when asked, so a long file
  // costs no copying on the way.
  private readonly chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly size: number) {
    super();
  }

  /** Keeps bytes that did not pass through (the head, read before). */
  remember(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    while (this.chunks.length > 1 && this.length - this.chunks[0]!.length >= this.size)
      this.length -= this.chunks.shift()!.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks).subarray(-this.size);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.remember(chunk);
    callback(null, chunk);
  }
}
