import { crc32 } from 'node:zlib';
import { imageSize } from 'image-size';

/** Image formats the gateway stores and serves. */
export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
/** Video formats the gateway stores and serves. */
export type VideoMimeType = 'video/mp4' | 'video/webm' | 'video/quicktime';
/** Every media type {@link sniffMedia} can report. */

/** What the bytes actually are, according to {@link sniffMedia}. */
export type SniffedMedia =
  | { mimeType: ImageMimeType; kind: 'image'; width: number; height: number }
  | { mimeType: VideoMimeType; kind: 'video'; width?: number; height?: number };

const IMAGE_MIME_TYPES: ReadonlySet<string> = new Set<ImageMimeType>([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
]);
const VIDEO_MIME_TYPES: ReadonlySet<string> = new Set<VideoMimeType>([
  'video/mp4',
  'video/webm',
  'video/quicktime',
]);

/** True for the exact (lower-case, parameter-free) image MIME types the gateway handles. */
export function isImageMime(mime: string): mime is ImageMimeType {
  return IMAGE_MIME_TYPES.has(mime);
}

/** True for the exact (lower-case, parameter-free) video MIME types the gateway handles. */
export function isVideoMime(mime: string): mime is VideoMimeType {
  return VIDEO_MIME_TYPES.has(mime);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

/** image-size's name for each format, checked so both detectors must agree. */
const IMAGE_SIZE_TYPES: Record<ImageMimeType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** ISO-BMFF brands of MP4-family video files. */
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'iso7',
  'iso8',
  'iso9',
  'mp41',
  'mp42',
  'avc1',
  'M4V ',
  'M4VH',
  'M4VP',
  'dash',
  'mmp4',
  'MSNV',
  'XAVC',
  'f4v ',
]);
/**
 * Brands of ISO-BMFF files that are not video (HEIF/AVIF stills, iTunes audio, Canon raw). They
 * share the `ftyp` layout and often list `iso8`/`isom` as compatible, so they must be ruled out
 * before trusting any compatible brand.
 */
const NON_VIDEO_BRANDS = new Set([
  'avif',
  'avis',
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'mif1',
  'msf1',
  'M4A ',
  'M4B ',
  'M4P ',
  'F4A ',
  'F4B ',
  'crx ',
]);
const QUICKTIME_BRAND = 'qt  ';

/**
 * Identifies media from its bytes alone — file names and Content-Type headers are never consulted,
 * because providers and uploads mislabel files. Images must also parse far enough for `image-size`
 * to report dimensions; MP4/MOV report the video track's display size when the `moov` box is
 * present. Returns undefined for anything else, including truncated images and audio-only MP4s.
 */
export function sniffMedia(data: Buffer): SniffedMedia | undefined {
  const imageMime = imageMimeFromMagic(data);
  if (imageMime) return measureImage(data, imageMime);
  if (data.length >= 12 && data.toString('latin1', 4, 8) === 'ftyp') return sniffIsoMedia(data);
  if (data.subarray(0, 4).equals(EBML_MAGIC)) return sniffEbml(data);
  return undefined;
}

function imageMimeFromMagic(data: Buffer): ImageMimeType | undefined {
  if (data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    return 'image/jpeg';
  }
  const head = data.toString('latin1', 0, 12);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'image/gif';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * The ends of a file as a stream shows them: its first bytes, its last bytes (at least the last
 * 64 KiB, or all of it) and its length. A whole buffer is its own head and tail.
 */
export interface FileEnds {
  head: Buffer;
  tail: Buffer;
  bytes: number;
}

/** How much of a file's end {@link isCompleteImage} looks at (JPEG's EOI may sit before padding). */
export const imageTailBytes = 65_536;

/**
 * Whether the file ends the way its format requires (PNG IEND, JPEG EOI, GIF trailer, RIFF
 * length): a header glued to arbitrary bytes, or a truncated upload, is not an image.
 */
export function isCompleteImage(ends: FileEnds, mimeType: ImageMimeType): boolean {
  const { head, tail, bytes } = ends;
  switch (mimeType) {
    case 'image/png':
      return bytes >= 57 && tail.subarray(-12).includes(Buffer.from('IEND', 'latin1'));
    case 'image/jpeg': {
      // Some encoders append padding or metadata after EOI; look for it near the end.
      const end = tail.subarray(Math.max(0, tail.length - imageTailBytes));
      return end.includes(Buffer.from([0xff, 0xd9]));
    }
    case 'image/gif': {
      let end = tail.length - 1;
      while (end > 0 && tail[end] === 0) end--;
      return bytes >= 20 && tail[end] === 0x3b;
    }
    case 'image/webp':
      return bytes >= 20 && head.length >= 8 && head.readUInt32LE(4) + 8 <= bytes;
  }
}

/**
 * Largest side and pixel count of an image the gateway accepts. Far above what any provider
 * takes or makes; a header claiming more is a lie or a decompression bomb.
 */
export const maxImageSide = 16_384;
export const maxImagePixels = 16_384 * 16_384;

/**
 * Whether a PNG's IHDR chunk is intact: first, 13 bytes long, with a matching CRC. A header whose
 * dimensions were edited without the CRC is how a PNG "lies about its size".
 */
function hasIntactHeader(data: Buffer): boolean {
  if (data.length < 33 || data.readUInt32BE(8) !== 13 || data.toString('latin1', 12, 16) !== 'IHDR')
    return false;
  return crc32(data.subarray(12, 29)) === data.readUInt32BE(29);
}

function measureImage(data: Buffer, mimeType: ImageMimeType): SniffedMedia | undefined {
  if (!isCompleteImage({ head: data, tail: data, bytes: data.length }, mimeType)) return undefined;
  return measureImageHead(data, mimeType);
}

/** An image as far as its first bytes show it, in {@link sniffMedia}'s shape. */
export type SniffedImage = Extract<SniffedMedia, { kind: 'image' }>;

/**
 * {@link sniffMedia} for an image that is still arriving: type, intact PNG header, dimensions and
 * pixel limits from its first bytes (headers sit in the first KiB; a JPEG's after its EXIF),
 * everything but the end, which {@link isCompleteImage} checks once the last byte is in.
 */
export function sniffImageHead(head: Buffer): SniffedImage | undefined {
  const mimeType = imageMimeFromMagic(head);
  return mimeType ? measureImageHead(head, mimeType) : undefined;
}

function measureImageHead(data: Buffer, mimeType: ImageMimeType): SniffedImage | undefined {
  if (mimeType === 'image/png' && !hasIntactHeader(data)) return undefined;
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(ownedBytes(data));
  } catch {
    // Magic bytes alone are cheap to fake or survive truncation; an image we cannot measure is
    // not one we can serve.
    return undefined;
  }
  const { width, height, type, orientation } = size;
  if (type !== IMAGE_SIZE_TYPES[mimeType] || !(width > 0) || !(height > 0)) return undefined;
  if (width > maxImageSide || height > maxImageSide || width * height > maxImagePixels)
    return undefined;
  // EXIF orientations 5-8 rotate by 90°: report the size a viewer displays, not the stored one.
  const rotated = orientation !== undefined && orientation >= 5 && orientation <= 8;
  return rotated
    ? { mimeType, kind: 'image', width: height, height: width }
    : { mimeType, kind: 'image', width, height };
}

/**
 * image-size reads through DataViews on `input.buffer`, so on a Buffer that is a view into a larger
 * ArrayBuffer (Node's small-Buffer pool, or any subarray) a truncated file is "completed" with
 * whatever bytes follow it in memory. Copy such views so reads past the end throw instead; Buffers
 * that own their whole ArrayBuffer (readFile, large concats) are passed through without copying.
 */
function ownedBytes(data: Buffer): Uint8Array {
  return data.byteOffset === 0 && data.buffer.byteLength === data.length
    ? data
    : new Uint8Array(data);
}

function sniffIsoMedia(data: Buffer): SniffedMedia | undefined {
  const ftypSize = data.readUInt32BE(0);
  if (ftypSize < 16 || ftypSize % 4 !== 0 || data.length < 16) return undefined;
  const major = data.toString('latin1', 8, 12);
  const compatible: string[] = [];
  for (let offset = 16; offset + 4 <= Math.min(ftypSize, data.length); offset += 4) {
    compatible.push(data.toString('latin1', offset, offset + 4));
  }

  let mimeType: VideoMimeType | undefined;
  if (NON_VIDEO_BRANDS.has(major)) return undefined;
  if (major === QUICKTIME_BRAND) mimeType = 'video/quicktime';
  else if (MP4_BRANDS.has(major)) mimeType = 'video/mp4';
  else if (compatible.some((brand) => NON_VIDEO_BRANDS.has(brand))) return undefined;
  else if (compatible.some((brand) => MP4_BRANDS.has(brand))) mimeType = 'video/mp4';
  else if (compatible.includes(QUICKTIME_BRAND)) mimeType = 'video/quicktime';
  if (!mimeType) return undefined;

  const track = readVideoTrack(data);
  if (track === 'no-video') return undefined;
  return { mimeType, kind: 'video', ...track };
}

interface BoxRef {
  type: string;
  start: number;
  end: number;
}

/** Top-level or nested ISO-BMFF boxes in [start, end); stops quietly at the first malformed one. */
function listBoxes(data: Buffer, start: number, end: number): BoxRef[] {
  const boxes: BoxRef[] = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = data.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) break;
      size = Number(data.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header) break;
    const boxEnd = Math.min(end, offset + size);
    const type = data.toString('latin1', offset + 4, offset + 8);
    boxes.push({ type, start: offset + header, end: boxEnd });
    offset += size;
  }
  return boxes;
}

function findBox(data: Buffer, parent: BoxRef, type: string): BoxRef | undefined {
  return listBoxes(data, parent.start, parent.end).find((box) => box.type === type);
}

/**
 * Finds the first video (`vide` handler) track and its display size from `tkhd`. Returns
 * undefined when there is no readable `moov` (e.g. a truncated upload — still plausibly a video),
 * and 'no-video' when `moov` lists tracks but none is video (audio-only MP4/M4A).
 */
function readVideoTrack(
  data: Buffer,
): { width?: number; height?: number } | 'no-video' | undefined {
  const moov = listBoxes(data, 0, data.length).find((box) => box.type === 'moov');
  if (!moov) return undefined;
  const traks = listBoxes(data, moov.start, moov.end).filter((box) => box.type === 'trak');
  if (traks.length === 0) return undefined;
  for (const trak of traks) {
    const mdia = findBox(data, trak, 'mdia');
    const hdlr = mdia && findBox(data, mdia, 'hdlr');
    if (!hdlr || hdlr.end - hdlr.start < 12) continue;
    if (data.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'vide') continue;
    const tkhd = findBox(data, trak, 'tkhd');
    // tkhd ends with a 3x3 matrix (36 bytes) then 16.16 width and height, in both versions.
    if (!tkhd || tkhd.end - tkhd.start < 84) return {};
    const width = Math.round(data.readUInt32BE(tkhd.end - 8) / 65536);
    const height = Math.round(data.readUInt32BE(tkhd.end - 4) / 65536);
    const matrix = tkhd.end - 44;
    // a = d = 0 means a 90° or 270° rotation (phone portrait clips): swap to the displayed size.
    const rotated = data.readInt32BE(matrix) === 0 && data.readInt32BE(matrix + 16) === 0;
    if (width === 0 || height === 0) return {};
    return rotated ? { width: height, height: width } : { width, height };
  }
  return 'no-video';
}

function sniffEbml(data: Buffer): SniffedMedia | undefined {
  const headerSize = readVint(data, 4);
  if (!headerSize) return undefined;
  let offset = 4 + headerSize.length;
  const end = Math.min(data.length, offset + headerSize.value);
  while (offset < end) {
    const id = readVint(data, offset);
    if (!id) return undefined;
    const size = readVint(data, offset + id.length);
    if (!size) return undefined;
    const payload = offset + id.length + size.length;
    // DocType (0x4282) decides WebM vs. generic Matroska, which the gateway does not serve.
    if (id.raw === 0x4282) {
      const docType = data.toString('latin1', payload, Math.min(end, payload + size.value));
      return docType.replace(/\0+$/, '') === 'webm'
        ? { mimeType: 'video/webm', kind: 'video' }
        : undefined;
    }
    offset = payload + size.value;
  }
  return undefined;
}

/**
 * Reads an EBML variable-length integer. `value` has the length marker stripped (for sizes);
 * `raw` keeps it (for element IDs, which are written with the marker).
 */
function readVint(
  data: Buffer,
  offset: number,
): { length: number; value: number; raw: number } | undefined {
  const first = data[offset];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (length > 8 || offset + length > data.length) return undefined;
  let value = first & (0xff >> length);
  let raw = first;
  for (let i = 1; i < length; i++) {
    value = value * 256 + data[offset + i]!;
    raw = raw * 256 + data[offset + i]!;
  }
  return { length, value, raw };
}
