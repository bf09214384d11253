import { renderMp4 } from '../../src/providers/simulator/render-mp4.js';
import { renderPng } from '../../src/providers/simulator/render-png.js';

let mp4: Promise<Buffer> | undefined;
let png: Promise<Buffer> | undefined;

/** A real, small MP4 (64×64, 1 s) that fakes serve as a generated video; rendered once. */
export function fakeMp4(): Promise<Buffer> {
  mp4 ??= renderMp4({
    prompt: 'fake provider video',
    seed: 1,
    width: 64,
    height: 64,
    durationSeconds: 1,
  });
  return mp4;
}

/** A real, small PNG (64×64) that fakes serve as a generated image. */
export function fakePng(): Promise<Buffer> {
  png ??= renderPng({ prompt: 'fake provider image', seed: 1, width: 64, height: 64 });
  return png;
}
