import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMp4, ffmpegPath } from '../providers/simulator/render-mp4.js';
import { renderPng } from '../providers/simulator/render-png.js';
import {
  isCompleteImage,
  isImageMime,
  isVideoMime,
  sniffImageHead,
  sniffMedia,
} from './sniff-media.js';

const execFileAsync = promisify(execFile);

let directory: string;

/** Produces a real file with the bundled ffmpeg from a lavfi source, returning its bytes. */
async function ffmpegFile(name: string, args: string[]): Promise<Buffer> {
  const path = join(directory, name);
  await execFileAsync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args, path]);
  return readFile(path);
}

/** A minimal `ftyp` box with the given brands, as the first bytes of a file. */
function ftyp(major: string, ...compatible: string[]): Buffer {
  const box = Buffer.alloc(16 + compatible.length * 4);
  box.writeUInt32BE(box.length, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, index) => box.write(brand, 16 + index * 4, 'latin1'));
  return box;
}

/** Inserts an EXIF APP1 segment carrying only an Orientation tag right after the JPEG SOI. */
function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // first IFD offset
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14); // count
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, payload, jpeg.subarray(2)]);
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-sniff-test-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('sniffMedia', () => {
  it('recognises a rendered PNG with its dimensions', async () => {
    const png = await renderPng({ prompt: 'sniff me', seed: 1, width: 300, height: 200 });
    expect(sniffMedia(png)).toEqual({
      mimeType: 'image/png',
      kind: 'image',
      width: 300,
      height: 200,
    });
  });

  it('recognises JPEG, GIF and WebP produced by ffmpeg', async () => {
    const source = ['-f', 'lavfi', '-i', 'color=red:s=16x8', '-frames:v', '1'];
    const jpeg = await ffmpegFile('out.jpg', source);
    const gif = await ffmpegFile('out.gif', source);
    const webp = await ffmpegFile('out.webp', [...source, '-c:v', 'libwebp']);
    expect(sniffMedia(jpeg)).toEqual({
      mimeType: 'image/jpeg',
      kind: 'image',
      width: 16,
      height: 8,
    });
    expect(sniffMedia(gif)).toEqual({ mimeType: 'image/gif', kind: 'image', width: 16, height: 8 });
    expect(sniffMedia(webp)).toEqual({
      mimeType: 'image/webp',
      kind: 'image',
      width: 16,
      height: 8,
    });
  });

  it('reports the displayed size of a JPEG rotated by EXIF orientation', async () => {
    const jpeg = await ffmpegFile('rotated.jpg', [
      '-f',
      'lavfi',
      '-i',
      'color=blue:s=16x8',
      '-frames:v',
      '1',
    ]);
    expect(sniffMedia(withExifOrientation(jpeg, 6))).toMatchObject({ width: 8, height: 16 });
    expect(sniffMedia(withExifOrientation(jpeg, 1))).toMatchObject({ width: 16, height: 8 });
  });

  it('recognises a rendered MP4 with its track size', async () => {
    const mp4 = await renderMp4({
      prompt: 'sniff',
      seed: 2,
      width: 320,
      height: 240,
      durationSeconds: 0.5,
    });
    expect(sniffMedia(mp4)).toEqual({
      mimeType: 'video/mp4',
      kind: 'video',
      width: 320,
      height: 240,
    });
  });

  it('recognises QuickTime (with rotation), WebM, and refuses Matroska', async () => {
    const source = ['-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=10', '-t', '0.3'];
    const mov = await ffmpegFile('out.mov', [...source, '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    expect(sniffMedia(mov)).toEqual({
      mimeType: 'video/quicktime',
      kind: 'video',
      width: 64,
      height: 48,
    });

    // This ffmpeg only writes the rotation matrix when stream-copying, so rotate the MOV's track.
    const portrait = await ffmpegFile('portrait.mp4', [
      '-i',
      join(directory, 'out.mov'),
      '-c',
      'copy',
      '-metadata:s:v:0',
      'rotate=90',
    ]);
    expect(sniffMedia(portrait)).toMatchObject({ mimeType: 'video/mp4', width: 48, height: 64 });

    const webm = await ffmpegFile('out.webm', [...source, '-c:v', 'libvpx', '-b:v', '100k']);
    expect(sniffMedia(webm)).toEqual({ mimeType: 'video/webm', kind: 'video' });

    const mkv = await ffmpegFile('out.mkv', [...source, '-c:v', 'libvpx', '-b:v', '100k']);
    expect(mkv.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    expect(sniffMedia(mkv)).toBeUndefined();
  });

  it('refuses audio-only MP4 family files', async () => {
    const source = ['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '0.2', '-c:a', 'aac'];
    const m4a = await ffmpegFile('out.m4a', source);
    const audioMp4 = await ffmpegFile('audio.mp4', source);
    expect(audioMp4.toString('latin1', 4, 12)).toBe('ftypisom');
    expect(sniffMedia(m4a)).toBeUndefined();
    expect(sniffMedia(audioMp4)).toBeUndefined();
  });

  it('decides ISO-BMFF brands without being fooled by HEIF/AVIF stills', () => {
    const tail = Buffer.alloc(32);
    expect(sniffMedia(Buffer.concat([ftyp('avif', 'avif', 'mif1', 'miaf'), tail]))).toBeUndefined();
    expect(sniffMedia(Buffer.concat([ftyp('heic', 'mif1', 'heic', 'iso8'), tail]))).toBeUndefined();
    expect(sniffMedia(Buffer.concat([ftyp('mif1', 'iso8'), tail]))).toBeUndefined();
    expect(sniffMedia(Buffer.concat([ftyp('abcd', 'iso8', 'heic'), tail]))).toBeUndefined();
    expect(sniffMedia(Buffer.concat([ftyp('abcd', 'zzzz'), tail]))).toBeUndefined();
    // Without a moov (e.g. a truncated upload) the brands alone still identify the container.
    expect(sniffMedia(Buffer.concat([ftyp('M4V ', 'M4V ', 'mp42'), tail]))).toEqual({
      mimeType: 'video/mp4',
      kind: 'video',
    });
    expect(sniffMedia(Buffer.concat([ftyp('3gp5', 'isom'), tail]))).toMatchObject({
      mimeType: 'video/mp4',
    });
    expect(sniffMedia(Buffer.concat([ftyp('qt  ', 'qt  '), tail]))).toMatchObject({
      mimeType: 'video/quicktime',
    });
  });

  it('returns undefined for things that are not supported media', async () => {
    const png = await renderPng({ prompt: 'truncate me', seed: 1, width: 64, height: 64 });
    const garbage = [
      Buffer.alloc(0),
      Buffer.from('hello, this is plainly text and not an image at all\n'),
      // Views into a larger buffer: image-size would read the missing IHDR bytes past the end.
      png.subarray(0, 20),
      Buffer.from(png.subarray(0, 22)),
      Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('not really a jpeg')]),
      Buffer.from('GIF89a'),
      Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(32)]),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
      Buffer.from('\x00\x00\x00\x08ftyp', 'latin1'),
    ];
    for (const data of garbage) expect(sniffMedia(data)).toBeUndefined();
  });
});

describe('sniffImageHead / isCompleteImage (files seen as streams)', () => {
  it('reads type and size from the head, and checks the end separately', async () => {
    const source = ['-f', 'lavfi', '-i', 'color=red:s=16x8', '-frames:v', '1'];
    const files = {
      'image/png': await renderPng({ prompt: 'head', seed: 1, width: 16, height: 8 }),
      'image/jpeg': await ffmpegFile('head.jpg', source),
      'image/gif': await ffmpegFile('head.gif', source),
      'image/webp': await ffmpegFile('head.webp', [...source, '-c:v', 'libwebp']),
    } as const;
    for (const [mimeType, file] of Object.entries(files) as [keyof typeof files, Buffer][]) {
      // Everything but the end: the head alone must do, whatever follows.
      const head = file.subarray(0, file.length - 10);
      expect(sniffMedia(head)).toBeUndefined();
      expect(sniffImageHead(head)).toEqual({ mimeType, kind: 'image', width: 16, height: 8 });
      const whole = { head, tail: file, bytes: file.length };
      expect(isCompleteImage(whole, mimeType)).toBe(true);
      expect(isCompleteImage({ head, tail: head, bytes: head.length }, mimeType)).toBe(false);
    }
  });

  it('refuses heads that are not images or whose header lies', async () => {
    const png = await renderPng({ prompt: 'head', seed: 1, width: 16, height: 8 });
    const edited = Buffer.from(png);
    edited.writeUInt32BE(4096, 16);
    expect(sniffImageHead(edited)).toBeUndefined();
    expect(sniffImageHead(Buffer.from('<html><body>not an image</body></html>'))).toBeUndefined();
    expect(
      sniffImageHead(
        await ffmpegFile('head.mp4', ['-f', 'lavfi', '-i', 'color=red:s=16x8', '-frames:v', '1']),
      ),
    ).toBeUndefined();
  });
});

describe('isImageMime / isVideoMime', () => {
  it('accepts exactly the supported types', () => {
    for (const mime of ['image/png', 'image/jpeg', 'image/webp', 'image/gif']) {
      expect(isImageMime(mime)).toBe(true);
      expect(isVideoMime(mime)).toBe(false);
    }
    for (const mime of ['video/mp4', 'video/webm', 'video/quicktime']) {
      expect(isVideoMime(mime)).toBe(true);
      expect(isImageMime(mime)).toBe(false);
    }
    for (const mime of ['image/svg+xml', 'image/PNG', 'text/plain', 'image/png; q=1', '']) {
      expect(isImageMime(mime)).toBe(false);
    }
  });
});
