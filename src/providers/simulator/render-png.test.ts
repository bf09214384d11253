import { crc32, inflateSync } from 'node:zlib';
import { imageSize } from 'image-size';
import { describe, expect, it } from 'vitest';
import { renderPng } from './render-png.js';

interface Chunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

/** Splits a PNG into chunks, checking the framing and each CRC independently of the writer. */
function readChunks(png: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const stored = png.readUInt32BE(offset + 8 + length);
    chunks.push({
      type,
      data,
      crcOk: crc32(png.subarray(offset + 4, offset + 8 + length)) === stored,
    });
    offset += 12 + length;
  }
  expect(offset).toBe(png.length);
  return chunks;
}

/** Full PNG decode for 8-bit RGB: inflate IDAT and undo every filter type, returning RGB rows. */
function decodeRgb(png: Buffer): { width: number; height: number; rows: Buffer[]; raw: Buffer } {
  const chunks = readChunks(png);
  const header = chunks[0]!.data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const raw = inflateSync(
    Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)),
  );
  const stride = width * 3;
  const rows: Buffer[] = [];
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1);
    const filter = raw[start]!;
    expect(filter).toBeLessThanOrEqual(4);
    const line = Buffer.from(raw.subarray(start + 1, start + 1 + stride));
    for (let i = 0; i < stride; i++) {
      const left = i >= 3 ? line[i - 3]! : 0;
      const up = previous[i]!;
      const upLeft = i >= 3 ? previous[i - 3]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      line[i] = (line[i]! + predictor) & 0xff;
    }
    rows.push(line);
    previous = line;
  }
  return { width, height, rows, raw };
}

function distinctColors(rows: Buffer[]): number {
  const seen = new Set<number>();
  for (const row of rows) {
    for (let i = 0; i < row.length; i += 3)
      seen.add((row[i]! << 16) | (row[i + 1]! << 8) | row[i + 2]!);
  }
  return seen.size;
}

describe('renderPng', () => {
  it('writes a well-formed 8-bit RGB PNG of the requested size', async () => {
    const png = await renderPng({
      prompt: 'a lighthouse at dusk',
      seed: 42,
      width: 640,
      height: 360,
    });

    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const chunks = readChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(chunks.every((c) => c.crcOk)).toBe(true);

    const ihdr = chunks[0]!.data;
    expect(ihdr.length).toBe(13);
    expect(ihdr.readUInt32BE(0)).toBe(640);
    expect(ihdr.readUInt32BE(4)).toBe(360);
    expect([...ihdr.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    expect(chunks[2]!.data.length).toBe(0);

    const { raw, rows } = decodeRgb(png);
    expect(raw.length).toBe(360 * (1 + 640 * 3));
    // "Looks like something": a gradient plus shapes, not a flat fill.
    expect(distinctColors(rows)).toBeGreaterThan(50);

    expect(imageSize(png)).toMatchObject({ type: 'png', width: 640, height: 360 });
  });

  it('honours odd and extreme aspect ratios', async () => {
    for (const [width, height] of [
      [1, 1],
      [3, 1001],
      [1537, 7],
    ] as const) {
      const png = await renderPng({ prompt: 'edge', seed: 1, width, height });
      const decoded = decodeRgb(png);
      expect([decoded.width, decoded.height]).toEqual([width, height]);
      expect(decoded.raw.length).toBe(height * (1 + width * 3));
      expect(imageSize(png)).toMatchObject({ width, height });
    }
  });

  it('is byte-identical for the same prompt and seed', async () => {
    const input = { prompt: 'a red fox', seed: 7, width: 256, height: 192 };
    const [first, second] = await Promise.all([renderPng(input), renderPng({ ...input })]);
    expect(first.equals(second)).toBe(true);
  });

  it('gives visibly different pixels for a different seed or prompt', async () => {
    const base = { prompt: 'a red fox', seed: 7, width: 128, height: 128 };
    const reference = decodeRgb(await renderPng(base)).rows;
    for (const variant of [
      { ...base, seed: 8 },
      { ...base, prompt: 'a blue fox' },
    ]) {
      const rows = decodeRgb(await renderPng(variant)).rows;
      let differing = 0;
      for (let y = 0; y < rows.length; y++) {
        for (let i = 0; i < rows[y]!.length; i += 3) {
          if (rows[y]!.compare(reference[y]!, i, i + 3, i, i + 3) !== 0) differing++;
        }
      }
      // Most pixels change, not just a few: the palette and layout both come from the hash.
      expect(differing / (128 * 128)).toBeGreaterThan(0.5);
    }
  });

  it('rejects sizes it cannot render', async () => {
    await expect(renderPng({ prompt: 'x', seed: 1, width: 0, height: 10 })).rejects.toThrow(
      /width/,
    );
    await expect(renderPng({ prompt: 'x', seed: 1, width: 10, height: 2.5 })).rejects.toThrow(
      /height/,
    );
    await expect(renderPng({ prompt: 'x', seed: 1, width: 100_000, height: 10 })).rejects.toThrow(
      /width/,
    );
  });

  it('should compress off the main thread, letting other work run before a render ends', async () => {
    // Compression is the expensive part; it runs in the libuv threadpool (async zlib), so a
    // callback queued after the render starts runs before the render resolves. How small the
    // synchronous part is, in ms, is measured by bench/render-png.ts.
    const order: string[] = [];
    const pending = renderPng({ prompt: 'load', seed: 1, width: 1024, height: 1024 }).then(() =>
      order.push('render'),
    );
    setImmediate(() => order.push('other work'));
    await pending;
    expect(order).toEqual(['other work', 'render']);
  });
});
