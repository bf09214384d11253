import { describe, expect, it } from 'vitest';
import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';
import type { ProviderRequest } from '../../core/provider-adapter.js';
import { buildRunwayRequest } from './runway-request.js';
import { runwayModels } from './runway-models.js';

const offering = (key: string): ModelOffering =>
  runwayModels.find((model) => model.modelKey === key)!;

function request(key: string, overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  const model = offering(key);
  return {
    kind: model.kind,
    task: model.capabilities.tasks[0]!,
    offering: model,
    prompt: 'a kite over dunes',
    inputImages: [],
    n: 1,
    ...overrides,
  };
}

describe('buildRunwayRequest', () => {
  it('should send gen4_turbo to image_to_video with the ratio of the aspect ratio, duration and seed', () => {
    const task = buildRunwayRequest(
      'runway',
      request('gen4_turbo', { aspectRatio: '9:16', duration: 7, seed: 3 }),
      ['https://cdn.example.com/f.png'],
    );
    expect(task).toEqual({
      path: '/v1/image_to_video',
      body: {
        model: 'gen4_turbo',
        promptText: 'a kite over dunes',
        ratio: '720:1280',
        seed: 3,
        duration: 7,
        promptImage: 'https://cdn.example.com/f.png',
      },
      warnings: [],
    });
  });

  it('should use the requested size as the ratio, or 1280:720 by default', () => {
    expect(
      buildRunwayRequest(
        'runway',
        request('gen4_turbo', { width: 1584, height: 672, duration: 5 }),
        ['https://a.b/c.png'],
      ).body.ratio,
    ).toBe('1584:672');
    expect(
      buildRunwayRequest('runway', request('gen4_turbo', { duration: 5 }), ['https://a.b/c.png'])
        .body.ratio,
    ).toBe('1280:720');
  });

  it('should warn when the aspect ratio contradicts the size', () => {
    const task = buildRunwayRequest(
      'runway',
      request('gen4_turbo', { width: 960, height: 960, aspectRatio: '16:9', duration: 5 }),
      ['https://a.b/c.png'],
    );
    expect(task.body.ratio).toBe('960:960');
    expect(task.warnings).toEqual([
      expect.objectContaining({ code: 'unsupported_parameter', parameter: 'aspect_ratio' }),
    ]);
    const close = buildRunwayRequest(
      'runway',
      request('gen4_turbo', { width: 1104, height: 832, aspectRatio: '4:3', duration: 5 }),
      ['https://a.b/c.png'],
    );
    expect(close.warnings).toEqual([]);
  });

  it('should send gen4_image to text_to_image with input images as reference images', () => {
    const task = buildRunwayRequest(
      'runway',
      request('gen4_image', { task: 'image-to-image', aspectRatio: '1:1' }),
      ['https://a.b/1.png', 'data:image/png;base64,AA'],
    );
    expect(task).toEqual({
      path: '/v1/text_to_image',
      body: {
        model: 'gen4_image',
        promptText: 'a kite over dunes',
        ratio: '1080:1080',
        referenceImages: [{ uri: 'https://a.b/1.png' }, { uri: 'data:image/png;base64,AA' }],
      },
      warnings: [],
    });
  });

  it('should default gen4_image to 1920:1080', () => {
    expect(buildRunwayRequest('runway', request('gen4_image'), []).body.ratio).toBe('1920:1080');
  });

  it('should send a video request without an image to text_to_video (models added in config)', () => {
    const gen45 = ModelOfferingSchema.parse({
      modelKey: 'gen4.5',
      providerModelId: 'gen4.5',
      kind: 'video',
      capabilities: { tasks: ['text-to-video', 'image-to-video'], durations: { min: 2, max: 10 } },
      price: { type: 'per_second', usd: 0.12 },
    });
    const task = buildRunwayRequest(
      'runway',
      {
        kind: 'video',
        task: 'text-to-video',
        offering: gen45,
        prompt: 'p',
        inputImages: [],
        n: 1,
        duration: 4,
      },
      [],
    );
    expect(task).toEqual({
      path: '/v1/text_to_video',
      body: { model: 'gen4.5', promptText: 'p', ratio: '1280:720', duration: 4 },
      warnings: [],
    });
  });

  it('should refuse, retryably, prompts over 1000 characters and too many images', () => {
    const long = () =>
      buildRunwayRequest('runway', request('gen4_image', { prompt: 'x'.repeat(1001) }), []);
    expect(long).toThrow(/1000 characters/);
    const references = () =>
      buildRunwayRequest('runway', request('gen4_image'), [
        'https://a/1',
        'https://a/2',
        'https://a/3',
        'https://a/4',
      ]);
    expect(references).toThrow(/at most 3/);
    try {
      references();
    } catch (error) {
      expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
    }
    expect(() =>
      buildRunwayRequest('runway', request('gen4_turbo', { duration: 5 }), [
        'https://a/1',
        'https://a/2',
      ]),
    ).toThrow(/first frame/);
  });
});
