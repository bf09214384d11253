import { describe, expect, it } from 'vitest';
import { UnsupportedParameterError } from '../core/errors/index.js';
import type { GenerationRequest } from '../core/generation-request.js';
import { simulatorModels } from '../providers/simulator/simulator-models.js';
import { SimulatorProfileSchema } from '../providers/simulator/simulator-profile.js';
import { resolveRequestForOffering } from './resolve-request-for-offering.js';

const [image, video] = simulatorModels(SimulatorProfileSchema.parse({}));
const base = (overrides: Partial<GenerationRequest>): GenerationRequest => ({
  kind: 'image',
  task: 'text-to-image',
  model: 'sim-image',
  prompt: 'x',
  inputImages: [],
  n: 1,
  allowResubmit: false,
  ...overrides,
});

function rejection(request: GenerationRequest, offering = image!): UnsupportedParameterError {
  try {
    resolveRequestForOffering(request, offering);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedParameterError);
    return error as UnsupportedParameterError;
  }
  throw new Error('expected a rejection');
}

describe('resolveRequestForOffering', () => {
  it('should accept a size inside the range and keep it', () => {
    expect(resolveRequestForOffering(base({ width: 512, height: 768 }), image!)).toMatchObject({
      width: 512,
      height: 768,
    });
  });

  it('should reject a size that is not a multiple of 8, naming the parameter and the limits', () => {
    const error = rejection(base({ width: 513, height: 512 }));
    expect(error.details).toMatchObject({
      parameter: 'width',
      supported: { min: 64, max: 2048, multipleOf: 8 },
    });
  });

  it('should reject width without height', () => {
    expect(rejection(base({ width: 512 })).details).toMatchObject({ parameter: 'height' });
  });

  it('should reject more outputs than the model returns', () => {
    expect(rejection(base({ n: 5 })).details).toMatchObject({
      parameter: 'n',
      supported: { max: 4 },
    });
  });

  it('should reject an unknown style preset and list the known ones', () => {
    const error = rejection(base({ style: 'cubism' }));
    expect(error.details?.supported).toContain('watercolor');
  });

  it('should map a video resolution preset to its pixel size, rotated for portrait', () => {
    const request = base({
      kind: 'video',
      task: 'text-to-video',
      model: 'sim-video',
      resolution: '1080p',
      aspectRatio: '9:16',
      duration: 3,
    });
    expect(resolveRequestForOffering(request, video!)).toMatchObject({
      width: 1088,
      height: 1920,
      resolution: '1080p',
      duration: 3,
    });
  });

  it('should apply the default resolution and duration for video', () => {
    const request = base({ kind: 'video', task: 'text-to-video', model: 'sim-video' });
    expect(resolveRequestForOffering(request, video!)).toMatchObject({
      width: 864,
      height: 480,
      resolution: '480p',
      duration: 4,
    });
  });

  it('should recognise explicit width/height that match a preset', () => {
    const request = base({
      kind: 'video',
      task: 'text-to-video',
      model: 'sim-video',
      width: 1280,
      height: 720,
    });
    expect(resolveRequestForOffering(request, video!)).toMatchObject({ resolution: '720p' });
  });

  it('should reject a duration out of range without clamping it', () => {
    const error = rejection(
      base({ kind: 'video', task: 'text-to-video', model: 'sim-video', duration: 12.5 }),
      video!,
    );
    expect(error.message).toContain('1–12 s');
  });

  it('should accept a fractional duration inside the range', () => {
    const request = base({
      kind: 'video',
      task: 'image-to-video',
      model: 'sim-video',
      duration: 1.2,
      inputImages: ['asset_x'],
    });
    expect(resolveRequestForOffering(request, video!).duration).toBe(1.2);
  });

  it('should reject a duration on an image model', () => {
    expect(rejection(base({ duration: 3 })).details).toMatchObject({ parameter: 'duration' });
  });

  it('should reject a task the model does not serve', () => {
    expect(rejection(base({ task: 'text-to-video' })).details).toMatchObject({ parameter: 'task' });
  });
});
