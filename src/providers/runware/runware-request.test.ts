import { describe, expect, it } from 'vitest';
import { resolveRequestForOffering } from '../../catalog/resolve-request-for-offering.js';
import type { GenerationRequest } from '../../core/generation-request.js';
import type { ImageInput } from '../../core/provider-adapter.js';
import { sampleRequest } from '../../../test/contracts/sample-request.js';
import { runwareModels } from './runware-models.js';
import { buildRunwareRequest } from './runware-request.js';

const uuid = '8e4b7c5a-1f2d-4c3b-9a8e-7d6c5b4a3f2e';
const model = (key: string) => runwareModels.find((offering) => offering.modelKey === key)!;
const localImage: ImageInput = {
  assetId: 'asset_1',
  read: async () => ({ data: Buffer.from('png-bytes'), mimeType: 'image/png' }),
};

describe('buildRunwareRequest', () => {
  it('should map a text-to-image request to an async imageInference task with cost', async () => {
    const request = sampleRequest(model('flux-schnell'), { overrides: { n: 2, seed: 7 } });
    const { task, operation, warnings } = await buildRunwareRequest(
      'runware',
      request,
      uuid,
      'https://cb/x',
    );
    expect(task).toEqual({
      taskType: 'imageInference',
      taskUUID: uuid,
      model: 'runware:100@1',
      positivePrompt: 'a lighthouse at dusk',
      numberResults: 2,
      outputType: 'URL',
      deliveryMethod: 'async',
      includeCost: true,
      seed: 7,
      webhookURL: 'https://cb/x',
      width: 1024,
      height: 1024,
    });
    expect(operation).toEqual({
      taskUUID: uuid,
      taskType: 'imageInference',
      results: 2,
      width: 1024,
      height: 1024,
    });
    expect(warnings).toEqual([]);
  });

  it('should send 720p Seedance as 1248x704 and say so', async () => {
    const request = sampleRequest(model('seedance-1-pro-fast'), { overrides: { duration: 1.2 } });
    const { task, operation, warnings } = await buildRunwareRequest(
      'runware',
      request,
      uuid,
      undefined,
    );
    expect(task).toMatchObject({
      taskType: 'videoInference',
      model: 'bytedance:2@2',
      width: 1248,
      height: 704,
      duration: 1.2,
      outputFormat: 'MP4',
      deliveryMethod: 'async',
    });
    expect(operation).toMatchObject({ width: 1248, height: 704, durationSeconds: 1.2 });
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'parameter_adjusted', parameter: 'resolution' }),
    ]);
  });

  it('should pass 480p and 1080p Seedance sizes through unchanged', async () => {
    for (const [width, height] of [
      [864, 480],
      [1920, 1088],
      [480, 864],
    ] as const) {
      const request = sampleRequest(model('seedance-1-pro-fast'), { overrides: { width, height } });
      const { task, warnings } = await buildRunwareRequest('runware', request, uuid, undefined);
      expect(task).toMatchObject({ width, height });
      expect(warnings).toEqual([]);
    }
  });

  it('should put the first frame in inputs.frameImages as a public URL', async () => {
    const request = sampleRequest(model('seedance-1-pro-fast'), {
      task: 'image-to-video',
      imageUrl: 'https://cdn.example/frame.png',
    });
    const { task } = await buildRunwareRequest('runware', request, uuid, undefined);
    expect(task.inputs).toEqual({
      frameImages: [{ image: 'https://cdn.example/frame.png', frame: 'first' }],
    });
  });

  it('should refuse a frame image without a public URL, retryably', async () => {
    const request = {
      ...sampleRequest(model('seedance-1-pro-fast'), { task: 'image-to-video' }),
      inputImages: [localImage],
    };
    await expect(buildRunwareRequest('runware', request, uuid, undefined)).rejects.toMatchObject({
      code: 'provider_invalid_request',
      isRetryable: true,
      message: expect.stringContaining('SWITCHYARD_PUBLIC_URL'),
    });
  });

  it('should send image-to-image and inpaint inputs inline when they have no URL', async () => {
    const request = {
      ...sampleRequest(model('flux-dev'), { task: 'inpaint' }),
      inputImages: [localImage],
      mask: localImage,
    };
    const { task } = await buildRunwareRequest('runware', request, uuid, undefined);
    const dataUri = `data:image/png;base64,${Buffer.from('png-bytes').toString('base64')}`;
    expect(task.inputs).toEqual({ seedImage: dataUri, maskImage: dataUri });
  });

  it("should map quality tiers to the catalog's steps and warn where a model has no quality setting", async () => {
    const dev = await buildRunwareRequest(
      'runware',
      sampleRequest(model('flux-dev'), { overrides: { quality: 'premium' } }),
      uuid,
      undefined,
    );
    expect(dev.task.steps).toBe(40);
    const schnell = await buildRunwareRequest(
      'runware',
      sampleRequest(model('flux-schnell'), { overrides: { quality: 'fast' } }),
      uuid,
      undefined,
    );
    expect(schnell.task.steps).toBe(2);
    const video = await buildRunwareRequest(
      'runware',
      sampleRequest(model('seedance-1-pro-fast'), { overrides: { quality: 'premium' } }),
      uuid,
      undefined,
    );
    expect(video.task.steps).toBeUndefined();
    expect(video.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ parameter: 'quality' })]),
    );
  });

  it('should switch audio off where it changes the price', async () => {
    const wan = sampleRequest(model('wan-2.6-flash'), { imageUrl: 'https://cdn.example/a.png' });
    expect(
      (await buildRunwareRequest('runware', wan, uuid, undefined)).task.providerSettings,
    ).toEqual({
      alibaba: { audio: false },
    });
    const veo = sampleRequest(model('veo-3-fast'));
    expect(
      (await buildRunwareRequest('runware', veo, uuid, undefined)).task.providerSettings,
    ).toEqual({
      google: { generateAudio: false },
    });
  });

  it('should derive a pixel size from an aspect ratio, with a warning', async () => {
    const request = {
      ...sampleRequest(model('flux-schnell')),
      width: undefined,
      height: undefined,
      aspectRatio: '16:9',
    };
    const { task, warnings } = await buildRunwareRequest('runware', request, uuid, undefined);
    expect(task).toMatchObject({ width: 1344, height: 768 });
    expect(warnings[0]).toMatchObject({ parameter: 'aspect_ratio' });
  });
});

describe('seedance-1-pro-fast capabilities (seed system S1)', () => {
  const base: GenerationRequest = {
    kind: 'video',
    task: 'text-to-video',
    model: 'seedance-1-pro-fast',
    prompt: 'p',
    inputImages: [],
    n: 1,
    allowResubmit: false,
  };

  it('should accept 480p, 720p and 1080p and durations from 1.2 to 12 s', () => {
    const offering = model('seedance-1-pro-fast');
    expect(
      resolveRequestForOffering({ ...base, resolution: '480p', duration: 1.2 }, offering),
    ).toMatchObject({ width: 864, height: 480, duration: 1.2 });
    expect(
      resolveRequestForOffering({ ...base, resolution: '720p', duration: 12 }, offering),
    ).toMatchObject({
      width: 1280,
      height: 720,
    });
    expect(
      resolveRequestForOffering({ ...base, width: 1920, height: 1088 }, offering),
    ).toMatchObject({
      resolution: '1080p',
    });
    expect(() => resolveRequestForOffering({ ...base, duration: 12.5 }, offering)).toThrow();
    expect(() => resolveRequestForOffering({ ...base, duration: 1 }, offering)).toThrow();
  });
});
