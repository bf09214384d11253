import type { Readable } from 'node:stream';

/** Bytes read before deciding: enough for every image and video signature (and most `moov`s). */
export const headBytes = 1024 * 1024;

/** Reads from `stream` until `size` bytes or its end; the rest stays in the (paused) stream. */
export function readHead(
  stream: Readable,
  size: number,
): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (ended: boolean) => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
      if (!ended) stream.pause();
      resolve({ chunks, ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= size) done(false);
    };
    const onEnd = () => done(true);
    const onError = (error: unknown) => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
      reject(error);
    };
    stream.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
