import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { crc32, deflate } from 'node:zlib';

const deflateAsync = promisify(deflate);

/** Largest width or height {@link renderPng} accepts; caps one render at ~200 MB of raw pixels. */
const MAX_PNG_DIMENSION = 8192;

/** Input for {@link renderPng}. */
export interface RenderPngOptions {
  prompt: string;
  seed: number;
  width: number;
  height: number;
}

type Rgb = readonly [number, number, number];

interface Shape {
  kind: 'circle' | 'rect';
  /** Centre (circle) or top-left corner (rect), in pixels. */
  x: number;
  y: number;
  /** Radius (circle) or width/height (rect), in pixels. */
  w: number;
  h: number;
  color: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FILTER_NONE = 0;
const FILTER_UP = 2;
/** Entries in the gradient colour lookup table; plenty for smooth 8-bit ramps. */
const LUT_SIZE = 1024;
/**
 * Upper bound on distinct row patterns per image. Each pattern costs one JS pass over the row, so
 * this caps the synchronous work at ~512 * width pixel writes regardless of height.
 */
const MAX_PATTERNS = 512;

/**
 * Renders a deterministic 8-bit RGB PNG for the simulator provider: a multi-stop gradient
 * (sometimes posterised into bands) with a handful of circles and rectangles, all derived from
 * sha256(seed + prompt). The same inputs always give byte-identical output; different prompts or
 * seeds give visibly different images.
 *
 * Built to stay off the event loop under load: pixels are produced one row pattern per band of rows
 * (rows inside a band are encoded with the PNG "Up" filter, i.e. left as zeros), and compression
 * runs in the libuv threadpool via async zlib.
 */
export async function renderPng(options: RenderPngOptions): Promise<Buffer> {
  const { width, height } = options;
  assertDimension('width', width);
  assertDimension('height', height);

  const raw = renderFilteredScanlines(options);
  const idat = await deflateAsync(raw);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr(width, height)),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function assertDimension(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PNG_DIMENSION) {
    throw new Error(
      `renderPng: ${name} must be an integer from 1 to ${MAX_PNG_DIMENSION}, got ${value}`,
    );
  }
}

function ihdr(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = 2; // colour type: truecolour RGB
  data[10] = 0; // compression: deflate
  data[11] = 0; // filter method: adaptive (per-row filter byte)
  data[12] = 0; // no interlace
  return data;
}

/** Serialises one PNG chunk: length, type, data, CRC-32 over type + data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/**
 * Produces the filtered scanline stream IDAT compresses: per row a filter byte then width*3 bytes.
 * The first row of each band carries the pattern (filter None); the rest of the band repeats it,
 * which under filter Up is all zeros — already there from Buffer.alloc, so they cost nothing to
 * write and deflate collapses them almost for free.
 */
function renderFilteredScanlines({ prompt, seed, width, height }: RenderPngOptions): Buffer {
  const random = createRandom(createHash('sha256').update(`${seed}\u0000${prompt}`).digest());
  const palette = createPalette(random);
  const lut = createGradientLut(palette, random);
  const shapes = createShapes(random, palette, width, height);

  // Gradient direction: t(x, y) = ax * x + ay * y + offset, normalised so t spans [0, 1] over the
  // image whatever the angle.
  const angle = random() * Math.PI * 2;
  const ax = Math.cos(angle) / width;
  const ay = Math.sin(angle) / height;
  const corners = [0, ax * width, ay * height, ax * width + ay * height];
  const minT = Math.min(...corners);
  const spanT = Math.max(...corners) - minT || 1;
  const scale = (LUT_SIZE - 1) / spanT;
  // Pre-scaled to LUT entry offsets so the hot loop below is integer adds and byte copies only;
  // rounding x and y separately is off by at most one LUT entry, invisible at 1024 entries.
  const xEntry = new Int32Array(width);
  for (let x = 0; x < width; x++) xEntry[x] = Math.round(ax * x * scale) * 3;

  const stride = 1 + width * 3;
  const out = Buffer.alloc(stride * height);
  const bandHeight = Math.max(1, Math.ceil(height / MAX_PATTERNS));

  for (let bandTop = 0; bandTop < height; bandTop += bandHeight) {
    const rowStart = bandTop * stride;
    out[rowStart] = FILTER_NONE;
    const pixels = rowStart + 1;
    // Sample the band at its middle row so shapes sit centred on their nominal geometry.
    const y = Math.min(height - 1, bandTop + (bandHeight >> 1));
    const yEntry = Math.round((ay * y - minT) * scale) * 3;
    for (let x = 0, offset = pixels; x < width; x++, offset += 3) {
      const entry = clampEntry(xEntry[x]! + yEntry);
      out[offset] = lut[entry]!;
      out[offset + 1] = lut[entry + 1]!;
      out[offset + 2] = lut[entry + 2]!;
    }
    for (const shape of shapes) {
      const span = shapeSpan(shape, y);
      if (!span) continue;
      const from = Math.max(0, span[0]);
      const to = Math.min(width, span[1]);
      if (to > from) out.fill(shape.color, pixels + from * 3, pixels + to * 3);
    }
    const bandEnd = Math.min(height, bandTop + bandHeight);
    for (let row = bandTop + 1; row < bandEnd; row++) out[row * stride] = FILTER_UP;
  }
  return out;
}

function clampEntry(entry: number): number {
  return entry < 0 ? 0 : entry > (LUT_SIZE - 1) * 3 ? (LUT_SIZE - 1) * 3 : entry;
}

/** Horizontal pixel range [from, to) a shape covers on row y, or undefined if it misses the row. */
function shapeSpan(shape: Shape, y: number): [number, number] | undefined {
  if (shape.kind === 'rect') {
    if (y < shape.y || y >= shape.y + shape.h) return undefined;
    return [shape.x, shape.x + shape.w];
  }
  const dy = y + 0.5 - shape.y;
  const r = shape.w;
  if (dy * dy >= r * r) return undefined;
  const half = Math.sqrt(r * r - dy * dy);
  return [Math.round(shape.x - half), Math.round(shape.x + half)];
}

/** sfc32 seeded from the digest: fast, deterministic, and the same on every platform. */
function createRandom(digest: Buffer): () => number {
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs: sfc32 needs a few rounds to mix a low-entropy seed.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Five colours around a random base hue using a random harmony, so images feel "designed". */
function createPalette(random: () => number): Rgb[] {
  const baseHue = random() * 360;
  const harmonies = [
    [0, 30, 60, 180, 210], // analogous + complement
    [0, 120, 240, 60, 300], // triadic
    [0, 150, 210, 30, 180], // split complementary
    [0, 15, 345, 30, 330], // near-monochrome
  ];
  const offsets = harmonies[Math.floor(random() * harmonies.length)]!;
  return offsets.map((offset) =>
    hslToRgb((baseHue + offset) % 360, 0.45 + random() * 0.5, 0.2 + random() * 0.6),
  );
}

/** Colour lookup table over the gradient parameter; sometimes posterised into hard bands. */
function createGradientLut(palette: Rgb[], random: () => number): Uint8Array {
  const stops = 2 + Math.floor(random() * 3);
  const colors = Array.from({ length: stops }, (_, i) => palette[i % palette.length]!);
  const bands = random() < 0.4 ? 3 + Math.floor(random() * 10) : 0;
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    let t = i / (LUT_SIZE - 1);
    if (bands) t = Math.min(bands - 1, Math.floor(t * bands)) / (bands - 1);
    const position = t * (stops - 1);
    const index = Math.min(stops - 2, Math.floor(position));
    const local = position - index;
    const from = colors[index]!;
    const to = colors[index + 1]!;
    for (let channel = 0; channel < 3; channel++) {
      lut[i * 3 + channel] = Math.round(from[channel]! + (to[channel]! - from[channel]!) * local);
    }
  }
  return lut;
}

function createShapes(
  random: () => number,
  palette: Rgb[],
  width: number,
  height: number,
): Shape[] {
  const count = 2 + Math.floor(random() * 6);
  const size = Math.min(width, height);
  const shapes: Shape[] = [];
  for (let i = 0; i < count; i++) {
    const color = Buffer.from(palette[Math.floor(random() * palette.length)]!);
    if (random() < 0.5) {
      shapes.push({
        kind: 'circle',
        x: random() * width,
        y: random() * height,
        w: size * (0.05 + random() * 0.25),
        h: 0,
        color,
      });
    } else {
      const w = Math.max(1, Math.round(width * (0.05 + random() * 0.4)));
      const h = Math.max(1, Math.round(height * (0.05 + random() * 0.4)));
      shapes.push({
        kind: 'rect',
        x: Math.floor(random() * (width - w + 1)),
        y: Math.floor(random() * (height - h + 1)),
        w,
        h,
        color,
      });
    }
  }
  return shapes;
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const sector = hue / 60;
  const second = chroma * (1 - Math.abs((sector % 2) - 1));
  const [r, g, b] =
    sector < 1
      ? [chroma, second, 0]
      : sector < 2
        ? [second, chroma, 0]
        : sector < 3
          ? [0, chroma, second]
          : sector < 4
            ? [0, second, chroma]
            : sector < 5
              ? [second, 0, chroma]
              : [chroma, 0, second];
  const m = lightness - chroma / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}
