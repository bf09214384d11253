import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../core/provider-adapter.js';
import { buildFalRequest } from './fal-request.js';
import { falModels } from './fal-models.js';

const offering = (key: string) => falModels.find((model) => model.modelKey === key)!;
const base = (key: string, overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  kind: offering(key).kind,
  task: offering(key).capabilities.tasks[0]!,
  offering: offering(key),
  prompt: 'a lighthouse',
  inputImages: [],
  n: 1,
  ...overrides,
});

describe('buildFalRequest', () => {
  it('should send an explicit size as image_size {width, height} with num_images and seed', () => {
    const { input, warnings } = buildFalRequest(
      base('flux-dev', { width: 1024, height: 768, n: 3, seed: 9 }),
      [],
    );
    expect(input).toEqual({
      prompt: 'a lighthouse',
      image_size: { width: 1024, height: 768 },
      num_images: 3,
      seed: 9,
    });
    expect(warnings).toEqual([]);
  });

  it('should map an aspect ratio without a size to the fal image_size preset', () => {
    expect(
      buildFalRequest(base('flux-schnell', { aspectRatio: '9:16' }), []).input.image_size,
    ).toBe('portrait_16_9');
    expect(buildFalRequest(base('flux-schnell', { aspectRatio: '1:1' }), []).input.image_size).toBe(
      'square_hd',
    );
  });

  it('should warn when an aspect ratio contradicts an explicit size', () => {
    const { warnings } = buildFalRequest(
      base('flux-dev', { width: 1024, height: 1024, aspectRatio: '16:9' }),
      [],
    );
    expect(warnings).toMatchObject([{ code: 'parameter_ignored', parameter: 'aspect_ratio' }]);
  });

  it('should map a Kling request to image_url, a string duration and negative_prompt', () => {
    const { input } = buildFalRequest(
      base('kling-v2-5-standard', { duration: 10, negativePrompt: 'blur' }),
      ['https://example.com/a.png'],
    );
    expect(input).toEqual({
      prompt: 'a lighthouse',
      image_url: 'https://example.com/a.png',
      duration: '10',
      negative_prompt: 'blur',
    });
  });

  it('should warn about input images beyond the first for video', () => {
    const { warnings } = buildFalRequest(base('kling-v2-5-standard', { duration: 5 }), [
      'https://a/1.png',
      'https://a/2.png',
    ]);
    expect(warnings).toMatchObject([{ code: 'parameter_ignored', parameter: 'input_images' }]);
  });
});
