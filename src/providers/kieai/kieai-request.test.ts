import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../core/provider-adapter.js';
import { buildKieaiRequest } from './kieai-request.js';
import { kieaiModels } from './kieai-models.js';

const request = (key: string, overrides: Partial<ProviderRequest> = {}): ProviderRequest => {
  const offering = kieaiModels.find((model) => model.modelKey === key)!;
  return {
    kind: 'video',
    task: 'text-to-video',
    offering,
    prompt: 'waves',
    inputImages: [],
    n: 1,
    ...overrides,
  };
};

describe('buildKieaiRequest', () => {
  it('should build a Veo text-to-video body', () => {
    expect(
      buildKieaiRequest(
        request('veo-3-fast', { aspectRatio: '9:16', seed: 12345 }),
        'veo',
        [],
        'https://gw/cb',
      ),
    ).toEqual({
      path: '/api/v1/veo/generate',
      body: {
        prompt: 'waves',
        model: 'veo3_fast',
        generationType: 'TEXT_2_VIDEO',
        aspectRatio: '9:16',
        enableTranslation: true,
        seeds: 12345,
        callBackUrl: 'https://gw/cb',
      },
      warnings: [],
    });
  });

  it('should send Veo images as first/last frames and warn beyond two', () => {
    const call = buildKieaiRequest(
      request('veo-3-fast', { task: 'image-to-video' }),
      'veo',
      ['https://a/1.png', 'https://a/2.png', 'https://a/3.png'],
      undefined,
    );
    expect(call.body).toMatchObject({
      generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
      imageUrls: ['https://a/1.png', 'https://a/2.png'],
      aspectRatio: '16:9',
    });
    expect(call.body).not.toHaveProperty('callBackUrl');
    expect(call.warnings).toMatchObject([{ parameter: 'input_images' }]);
  });

  it('should warn that Kie translates a non-English Veo prompt', () => {
    expect(
      buildKieaiRequest(request('veo-3-fast', { prompt: 'вечерние волны' }), 'veo', [], undefined)
        .warnings,
    ).toMatchObject([{ code: 'parameter_adjusted', parameter: 'prompt' }]);
  });

  it('should build a Runway body with duration, quality, aspect ratio and no watermark', () => {
    const call = buildKieaiRequest(
      request('runway-gen3-alpha-turbo', {
        task: 'image-to-video',
        duration: 5,
        resolution: '1080p',
        aspectRatio: '1:1',
      }),
      'runway',
      ['https://a/1.png'],
      'https://gw/cb',
    );
    expect(call).toEqual({
      path: '/api/v1/runway/generate',
      body: {
        prompt: 'waves',
        model: 'runway-duration-5-generate',
        duration: 5,
        quality: '1080p',
        aspectRatio: '1:1',
        waterMark: '',
        imageUrl: 'https://a/1.png',
        callBackUrl: 'https://gw/cb',
      },
      warnings: [],
    });
  });
});
