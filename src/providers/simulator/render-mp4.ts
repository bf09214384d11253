import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

/** Input for {@link renderMp4}. */
export interface RenderMp4Options {
  prompt: string;
  seed: number;
  /**
   * Even, 16..{@link MAX_MP4_DIMENSION}: yuv420p subsamples chroma 2x2, so odd sizes cannot
   * encode. Same for height.
   */
  width: number;
  height: number;
  /** Seconds, fractional allowed; from one frame (1/fps) to {@link MAX_MP4_DURATION_SECONDS}. */
  durationSeconds: number;
  /** Integer frames per second, 1..60; defaults to 24. */
  fps?: number;
  /** Kill ffmpeg after this long (time spent queued for a slot does not count). Default 60 s. */
  timeoutMs?: number;
}

/** Largest width or height {@link renderMp4} accepts (covers DCI 4K). */
const MAX_MP4_DIMENSION = 4096;
/** Longest clip {@link renderMp4} accepts; longer ones would risk the 60 s kill on slow boxes. */
const MAX_MP4_DURATION_SECONDS = 60;
/** Default wall-clock limit for one ffmpeg run. */
const MP4_RENDER_TIMEOUT_MS = 60_000;

const MIN_DIMENSION = 16;
const DEFAULT_FPS = 24;
/** Enough of ffmpeg's stderr to explain a failure without keeping megabytes of log around. */
const STDERR_TAIL_CHARS = 4000;

let concurrencyLimit = 2;
let activeRenders = 0;
const waiting: Array<() => void> = [];

/** Absolute path of the static ffmpeg binary bundled by `@ffmpeg-installer/ffmpeg`. */
export function ffmpegPath(): string {
  return ffmpegInstaller.path;
}

/**
 * Sets how many ffmpeg processes may run at once (default 2). Renders beyond the limit wait in
 * FIFO order; the limit exists so a burst of simulated video completions cannot fork-bomb a small
 * machine.
 */
export function setMp4RenderConcurrency(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`setMp4RenderConcurrency: limit must be a positive integer, got ${limit}`);
  }
  concurrencyLimit = limit;
  drainWaiting();
}

/** Current ffmpeg slot usage, for metrics and tests. */
export function getMp4RenderStats(): { active: number; queued: number; limit: number } {
  return { active: activeRenders, queued: waiting.length, limit: concurrencyLimit };
}

/**
 * Renders a real H.264 MP4 (yuv420p, faststart, no audio) with the bundled ffmpeg. The picture is
 * a lavfi pattern — a hue-shifted `testsrc2` or a palette-coloured Game of Life — picked and tinted
 * from sha256(seed + prompt), so prompts and seeds give different-looking clips.
 *
 * ffmpeg writes to a temp file (faststart needs a seekable output to move `moov` to the front);
 * the file is read back and deleted. At most {@link getMp4RenderStats}().limit ffmpeg processes
 * run at once; each is SIGKILLed after `timeoutMs`.
 */
export async function renderMp4(options: RenderMp4Options): Promise<Buffer> {
  const fps = options.fps ?? DEFAULT_FPS;
  validate(options, fps);
  const args = ffmpegArgs(options, fps);

  await acquireSlot();
  let directory: string | undefined;
  try {
    directory = await mkdtemp(join(tmpdir(), 'switchyard-mp4-'));
    const output = join(directory, 'out.mp4');
    await runFfmpeg([...args, output], options.timeoutMs ?? MP4_RENDER_TIMEOUT_MS);
    return await readFile(output);
  } finally {
    releaseSlot();
    if (directory) await rm(directory, { recursive: true, force: true });
  }
}

function validate(options: RenderMp4Options, fps: number): void {
  for (const name of ['width', 'height'] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < MIN_DIMENSION || value > MAX_MP4_DIMENSION) {
      throw new Error(
        `renderMp4: ${name} must be an integer from ${MIN_DIMENSION} to ${MAX_MP4_DIMENSION}, ` +
          `got ${value}`,
      );
    }
    if (value % 2 !== 0) {
      throw new Error(`renderMp4: ${name} must be even for yuv420p H.264, got ${value}`);
    }
  }
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) {
    throw new Error(`renderMp4: fps must be an integer from 1 to 60, got ${fps}`);
  }
  const duration = options.durationSeconds;
  // Below one frame ffmpeg may emit an empty track, which is not a playable video.
  if (!Number.isFinite(duration) || duration < 1 / fps || duration > MAX_MP4_DURATION_SECONDS) {
    throw new Error(
      `renderMp4: durationSeconds must be from one frame (1/fps) to ` +
        `${MAX_MP4_DURATION_SECONDS}, got ${duration}`,
    );
  }
}

function ffmpegArgs(options: RenderMp4Options, fps: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    sourceGraph(options, fps),
    // Output-side -t trims to the requested duration; fractional values round up to whole frames.
    '-t',
    String(options.durationSeconds),
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    // No encoder/creation-time metadata, so identical inputs give identical files.
    '-map_metadata',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-y',
  ];
}

/** Builds the lavfi graph; every parameter is derived from the hash so output is reproducible. */
function sourceGraph({ prompt, seed, width, height }: RenderMp4Options, fps: number): string {
  const digest = createHash('sha256').update(`${seed}\u0000${prompt}`).digest();
  const byte = (index: number): number => digest[index]!;
  const hue = Math.round((byte(1) / 256) * 360);
  const frame = hexColor(hue + 180, 0.7, 0.55);
  const border = Math.max(2, Math.round(Math.min(width, height) / 40));

  if (byte(0) % 2 === 0) {
    // Hue keeps rotating over time so the clip visibly moves beyond testsrc2's own animation.
    const speed = 20 + (byte(2) % 60);
    const saturation = (1 + byte(3) / 255).toFixed(2);
    return (
      `testsrc2=s=${width}x${height}:r=${fps},hue=h=${hue}+t*${speed}:s=${saturation},` +
      `drawbox=t=${border}:c=${frame},setsar=1`
    );
  }

  // Life on a coarse grid scaled up with nearest-neighbour: chunky cells read better than
  // pixel-sized noise and are far cheaper to encode.
  const cell = Math.max(2, Math.round(Math.min(width, height) / 60));
  const columns = Math.ceil(width / cell);
  const rows = Math.ceil(height / cell);
  const lifeSeed = digest.readUInt32BE(4);
  const mold = 4 + (byte(9) % 20);
  const ratio = (0.2 + (byte(8) / 255) * 0.4).toFixed(2);
  return (
    `life=s=${columns}x${rows}:r=${fps}:seed=${lifeSeed}:ratio=${ratio}:mold=${mold}` +
    `:life_color=${hexColor(hue, 0.9, 0.6)}` +
    `:death_color=${hexColor(hue + 200, 0.5, 0.12)}` +
    `:mold_color=${hexColor(hue + 140, 0.6, 0.35)}` +
    // setsar=1: the scale from the cell grid would otherwise store a non-square pixel aspect,
    // and players (and our own sniffing) would report a width other than the one asked for.
    `,scale=${width}:${height}:flags=neighbor,drawbox=t=${border}:c=${frame},setsar=1`
  );
}

/** `0xRRGGBB` for an HSL colour, the form lavfi colour options accept without escaping. */
function hexColor(hue: number, saturation: number, lightness: number): string {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const sector = (((hue % 360) + 360) % 360) / 60;
  const second = chroma * (1 - Math.abs((sector % 2) - 1));
  const table: Array<[number, number, number]> = [
    [chroma, second, 0],
    [second, chroma, 0],
    [0, chroma, second],
    [0, second, chroma],
    [second, 0, chroma],
    [chroma, 0, second],
  ];
  const [r, g, b] = table[Math.min(5, Math.floor(sector))]!;
  const m = lightness - chroma / 2;
  const hex = [r, g, b].map((v) =>
    Math.round((v + m) * 255)
      .toString(16)
      .padStart(2, '0'),
  );
  return `0x${hex.join('')}`;
}

function runFfmpeg(args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`renderMp4: could not start ffmpeg at ${ffmpegPath()}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`renderMp4: ffmpeg timed out after ${timeoutMs} ms and was killed`));
      } else if (code !== 0) {
        const reason = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new Error(`renderMp4: ffmpeg failed with ${reason}: ${stderr.trim()}`));
      } else {
        resolve();
      }
    });
  });
}

function acquireSlot(): Promise<void> {
  if (activeRenders < concurrencyLimit) {
    activeRenders++;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function releaseSlot(): void {
  activeRenders--;
  drainWaiting();
}

function drainWaiting(): void {
  while (activeRenders < concurrencyLimit && waiting.length > 0) {
    activeRenders++;
    waiting.shift()!();
  }
}
