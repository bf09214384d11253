import { describe, expect, it } from 'vitest';
import type { ImageInput } from '../../core/provider-adapter.js';
import { sampleRequest } from '../../../test/contracts/sample-request.js';
import { aimlapiHost } from './aimlapi-config.js';
import { aimlapiWireModel } from './aimlapi-models.js';
import { buildAimlapiImageRequest, buildAimlapiVideoRequest } from './aimlapi-request.js';
import { aimlapiModels } from './aimlapi-models.js';

const model = (key: string) => aimlapiModels.find((offering) => offering.modelKey === key)!;

describe('request bodies', () => {
  it('should map FLUX sizes, counts and seeds, and refuse seed 0 retryably', () => {
    const request = sampleRequest(model('flux-schnell'), { overrides: { n: 3, seed: 9 } });
    expect(buildAimlapiImageRequest('aimlapi', request).body).toEqual({
      model: 'flux/schnell',
      prompt: 'a lighthouse at dusk',
      num_images: 3,
      image_size: { width: 1024, height: 1024 },
      seed: 9,
    });
    const byRatio = {
      ...request,
      width: undefined,
      height: undefined,
      aspectRatio: '16:9',
      seed: undefined,
    };
    expect(buildAimlapiImageRequest('aimlapi', byRatio).body.image_size).toBe('landscape_16_9');
    expect(() => buildAimlapiImageRequest('aimlapi', { ...request, seed: 0 })).toThrowError(
      expect.objectContaining({ code: 'provider_invalid_request', isRetryable: true }),
    );
  });

  it('should pick the wire model per task and send inputs without a public URL inline', async () => {
    expect(aimlapiWireModel('klingai/v2.5-turbo/pro', 'image-to-video')).toBe(
      'klingai/v2.5-turbo/pro/image-to-video',
    );
    expect(aimlapiWireModel('someone/else', 'text-to-video')).toBe('someone/else');
    const local: ImageInput = {
      read: async () => ({ data: Buffer.from('img'), mimeType: 'image/png' }),
    };
    const request = {
      ...sampleRequest(model('kling-v2-5-turbo-pro'), { task: 'image-to-video' }),
      inputImages: [local],
      aspectRatio: '9:16',
      negativePrompt: 'blur',
    };
    const { body, warnings } = await buildAimlapiVideoRequest(request);
    expect(body).toEqual({
      model: 'klingai/v2.5-turbo/pro/image-to-video',
      prompt: 'a lighthouse at dusk',
      duration: 5,
      negative_prompt: 'blur',
      image_url: `data:image/png;base64,${Buffer.from('img').toString('base64')}`,
    });
    expect(warnings).toEqual([expect.objectContaining({ parameter: 'aspect_ratio' })]);
    const text = await buildAimlapiVideoRequest({
      ...sampleRequest(model('kling-v2-5-turbo-pro')),
      aspectRatio: '1:1',
    });
    expect(text.body).toMatchObject({
      model: 'klingai/v2.5-turbo/pro/text-to-video',
      aspect_ratio: '1:1',
    });
  });

  it('should accept base URLs with or without a version suffix', () => {
    expect(aimlapiHost(undefined)).toBe('https://api.aimlapi.com');
    expect(aimlapiHost('https://api.aimlapi.com/v1/')).toBe('https://api.aimlapi.com');
    expect(aimlapiHost('http://127.0.0.1:9/v2')).toBe('http://127.0.0.1:9');
  });
});
