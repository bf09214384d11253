import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ffmpegPath,
  getMp4RenderStats,
  renderMp4,
  setMp4RenderConcurrency,
  type RenderMp4Options,
} from './render-mp4.js';

const execFileAsync = promisify(execFile);

interface Box {
  type: string;
  /** Payload after the 8- or 16-byte header. */
  body: Buffer;
}

/** Lists the boxes in one ISO-BMFF container level. */
function boxes(data: Buffer): Box[] {
  const result: Box[] = [];
  let offset = 0;
  while (offset + 8 <= data.length) {
    let size = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      size = Number(data.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = data.length - offset;
    }
    expect(size).toBeGreaterThanOrEqual(header);
    result.push({ type, body: data.subarray(offset + header, offset + size) });
    offset += size;
  }
  expect(offset).toBe(data.length);
  return result;
}

function child(parent: Buffer, path: string[]): Buffer {
  let current = parent;
  for (const type of path) {
    const found = boxes(current).find((box) => box.type === type);
    if (!found) throw new Error(`box ${path.join('/')} missing at ${type}`);
    current = found.body;
  }
  return current;
}

interface Mp4Facts {
  topLevel: string[];
  majorBrand: string;
  durationSeconds: number;
  width: number;
  height: number;
  sampleCount: number;
}

/** Reads what a player would: top-level layout, movie duration, video track size, frame count. */
function inspectMp4(file: Buffer): Mp4Facts {
  const top = boxes(file);
  const moov = top.find((box) => box.type === 'moov')!.body;

  const mvhd = child(moov, ['mvhd']);
  const version = mvhd[0];
  const timescale = version === 1 ? mvhd.readUInt32BE(20) : mvhd.readUInt32BE(12);
  const duration = version === 1 ? Number(mvhd.readBigUInt64BE(24)) : mvhd.readUInt32BE(16);

  const trak = child(moov, ['trak']);
  const tkhd = child(trak, ['tkhd']);
  // Width and height are the last 8 bytes of tkhd, 16.16 fixed point, for both versions.
  const width = tkhd.readUInt32BE(tkhd.length - 8) / 65536;
  const height = tkhd.readUInt32BE(tkhd.length - 4) / 65536;

  const stsz = child(trak, ['mdia', 'minf', 'stbl', 'stsz']);
  return {
    topLevel: top.map((box) => box.type),
    majorBrand: top[0]!.body.toString('latin1', 0, 4),
    durationSeconds: duration / timescale,
    width,
    height,
    sampleCount: stsz.readUInt32BE(8),
  };
}

/** Decodes every frame with the same ffmpeg and returns how many it saw and the stream size. */
async function decodeWithFfmpeg(file: Buffer): Promise<{ frames: number; size: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-mp4-test-'));
  try {
    const path = join(directory, 'in.mp4');
    await writeFile(path, file);
    const { stderr } = await execFileAsync(ffmpegPath(), [
      '-hide_banner',
      '-nostdin',
      '-xerror',
      '-i',
      path,
      '-f',
      'null',
      '-',
    ]);
    const frames = [...stderr.matchAll(/frame=\s*(\d+)/g)].at(-1)?.[1];
    const size = /Video: h264[^\n]*?, (\d+x\d+)/.exec(stderr)?.[1];
    return { frames: Number(frames), size: size ?? '' };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function expectClip(facts: Mp4Facts, options: RenderMp4Options): void {
  const fps = options.fps ?? 24;
  // ftyp first and moov before mdat: faststart worked, so browsers can start playing at once.
  expect(facts.topLevel[0]).toBe('ftyp');
  expect(facts.topLevel.indexOf('moov')).toBeLessThan(facts.topLevel.indexOf('mdat'));
  expect(facts.majorBrand).toBe('isom');
  expect(Math.abs(facts.durationSeconds - options.durationSeconds)).toBeLessThanOrEqual(1 / fps);
  expect(facts.width).toBe(options.width);
  expect(facts.height).toBe(options.height);
  expect(facts.sampleCount).toBe(Math.ceil(options.durationSeconds * fps - 1e-9));
}

describe('renderMp4', () => {
  afterAll(() => setMp4RenderConcurrency(2));

  it('exposes the bundled ffmpeg binary', () => {
    expect(existsSync(ffmpegPath())).toBe(true);
  });

  it('renders 320x240 for a fractional 1.2 s', async () => {
    const options = {
      prompt: 'a paper boat',
      seed: 3,
      width: 320,
      height: 240,
      durationSeconds: 1.2,
    };
    const file = await renderMp4(options);
    expectClip(inspectMp4(file), options);
    const decoded = await decodeWithFfmpeg(file);
    expect(decoded).toEqual({ frames: 29, size: '320x240' });
  });

  it('renders 864x480 for 2 s at a custom frame rate', async () => {
    const options = {
      prompt: 'city lights',
      seed: 11,
      width: 864,
      height: 480,
      durationSeconds: 2,
      fps: 30,
    };
    const file = await renderMp4(options);
    expectClip(inspectMp4(file), options);
    expect(await decodeWithFfmpeg(file)).toEqual({ frames: 60, size: '864x480' });
  });

  it('renders 1920x1088 for 1 s', async () => {
    const options = { prompt: 'full hd', seed: 5, width: 1920, height: 1088, durationSeconds: 1 };
    expectClip(inspectMp4(await renderMp4(options)), options);
  });

  it('differs per seed and is reproducible for the same prompt and seed', async () => {
    const base = { width: 64, height: 48, durationSeconds: 0.25 };
    const clips = await Promise.all(
      Array.from({ length: 6 }, (_, seed) => renderMp4({ ...base, prompt: 'styles', seed })),
    );
    for (const clip of clips) expectClip(inspectMp4(clip), { ...base, prompt: '', seed: 0 });
    // Different seeds give different bitstreams.
    expect(new Set(clips.map((clip) => clip.toString('base64'))).size).toBe(clips.length);
    const again = await renderMp4({ ...base, prompt: 'styles', seed: 0 });
    expect(again.equals(clips[0]!)).toBe(true);
  });

  it('rejects sizes yuv420p cannot encode, and bad durations, before spawning', async () => {
    const base = { prompt: 'x', seed: 1, width: 320, height: 240, durationSeconds: 1 };
    await expect(renderMp4({ ...base, width: 321 })).rejects.toThrow(/width must be even/);
    await expect(renderMp4({ ...base, height: 239 })).rejects.toThrow(/height must be even/);
    await expect(renderMp4({ ...base, width: 8 })).rejects.toThrow(/width/);
    await expect(renderMp4({ ...base, durationSeconds: 0 })).rejects.toThrow(/durationSeconds/);
    await expect(renderMp4({ ...base, durationSeconds: Number.NaN })).rejects.toThrow(
      /durationSeconds/,
    );
    await expect(renderMp4({ ...base, fps: 0 })).rejects.toThrow(/fps/);
    expect(getMp4RenderStats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('runs at most the configured number of ffmpeg processes and queues the rest', async () => {
    setMp4RenderConcurrency(2);
    const options = { prompt: 'burst', seed: 1, width: 64, height: 48, durationSeconds: 0.2 };
    const renders = Array.from({ length: 5 }, () => renderMp4(options));
    expect(getMp4RenderStats()).toEqual({ active: 2, queued: 3, limit: 2 });
    const files = await Promise.all(renders);
    expect(files.every((file) => file.subarray(4, 8).toString('latin1') === 'ftyp')).toBe(true);
    expect(getMp4RenderStats()).toEqual({ active: 0, queued: 0, limit: 2 });
  });

  it('kills ffmpeg past the timeout and cleans up its temp directory', async () => {
    // os.tmpdir() honours TMPDIR on every call, so a private one shows exactly what leaked.
    const privateTmp = await mkdtemp(join(tmpdir(), 'switchyard-timeout-test-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      await expect(
        renderMp4({
          prompt: 'slow',
          seed: 1,
          width: 1920,
          height: 1080,
          durationSeconds: 60,
          timeoutMs: 300,
        }),
      ).rejects.toThrow(/timed out after 300 ms/);
      expect(await readdir(privateTmp)).toEqual([]);
      expect(getMp4RenderStats()).toMatchObject({ active: 0, queued: 0 });
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(privateTmp, { recursive: true, force: true });
    }
  });
});

describe('renderMp4 pixel aspect', () => {
  it('should store square pixels so the display size is the requested size, for every pattern', async () => {
    const { sniffMedia } = await import('../../assets/sniff-media.js');
    // Several prompts so both lavfi patterns (testsrc2 and Game of Life) are exercised.
    for (const prompt of ['waves on a beach', 'a lighthouse', 'party balloons', 'city at night']) {
      for (const [width, height] of [
        [1280, 720],
        [720, 1280],
      ] as const) {
        const video = await renderMp4({ prompt, seed: 5, width, height, durationSeconds: 0.5 });
        expect(sniffMedia(video)).toMatchObject({ width, height });
      }
    }
  }, 60_000);
});
