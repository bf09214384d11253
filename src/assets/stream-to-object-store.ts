import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ObjectStore } from '../core/object-store.js';

/**
 * Writes `head` then the rest of a stream to `key`, counting and hashing on the way, so the file
 * is never held whole. A failure of the source (a broken download) is rethrown as it is rather
 * than as the store's error, which would blame the store.
 */
export async function streamToObjectStore(
  objects: ObjectStore,
  key: string,
  source: { head: readonly Buffer[]; rest: Readable; contentType: string },
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let sourceError: unknown;
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      for (const chunk of source.head) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
      for await (const chunk of source.rest) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } catch (error) {
      sourceError = error;
      throw error;
    }
  }
  try {
    await objects.put(key, Readable.from(counted()), { contentType: source.contentType });
  } catch (error) {
    source.rest.destroy();
    throw sourceError ?? error;
  }
  return { bytes, sha256: hash.digest('hex') };
}
