import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../core/provider-adapter.js';
import { buildGoogleImageRequest, mapGoogleImageResult } from './google-image-request.js';
import { googleModels } from './google-models.js';

const model = (key: string) => googleModels.find((offering) => offering.modelKey === key)!;
// An operator's offering with fixed sizes (the built-in Gemini image model takes ratios only).
const sized = {
  ...model('gemini-3.1-flash-image'),
  modelKey: 'gemini-sized-image',
  capabilities: {
    ...model('gemini-3.1-flash-image').capabilities,
    sizes: [{ width: 1344, height: 768 }],
  },
};
const png = Buffer.from('89504e470d0a1a0a', 'hex');

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    kind: 'image',
    task: 'text-to-image',
    offering: sized,
    prompt: 'a fox',
    inputImages: [],
    n: 1,
    ...overrides,
  };
}

describe('buildGoogleImageRequest', () => {
  it('should turn a fixed size into its aspect ratio and ask for images only', async () => {
    const call = await buildGoogleImageRequest(request({ width: 1344, height: 768 }), 'google');
    expect(call.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a fox' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9' } },
    });
    expect(call).toMatchObject({ width: 1344, height: 768 });
  });

  it('should pass an aspect ratio as is and leave it out when none is given', async () => {
    expect(
      (
        await buildGoogleImageRequest(
          request({ offering: model('gemini-3.1-flash-image'), aspectRatio: '21:9' }),
          'google',
        )
      ).body.generationConfig,
    ).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '21:9' } });
    expect((await buildGoogleImageRequest(request(), 'google')).body.generationConfig).toEqual({
      responseModalities: ['IMAGE'],
    });
  });

  it('should inline input images as base64 parts', async () => {
    const call = await buildGoogleImageRequest(
      request({
        task: 'image-to-image',
        inputImages: [{ read: async () => ({ data: png, mimeType: 'image/png' }) }],
      }),
      'google',
    );
    expect((call.body.contents as { parts: unknown[] }[])[0]!.parts[1]).toEqual({
      inlineData: { mimeType: 'image/png', data: png.toString('base64') },
    });
  });

  it('should refuse a size the model has no ratio for, retryably', async () => {
    await expect(
      buildGoogleImageRequest(request({ width: 1000, height: 1000 }), 'google'),
    ).rejects.toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
  });
});

describe('mapGoogleImageResult', () => {
  it('should decode inline images to bytes', () => {
    const result = mapGoogleImageResult(
      {
        candidates: [
          {
            content: {
              parts: [
                { text: 'Here it is' },
                { inlineData: { mimeType: 'image/png', data: png.toString('base64') } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      },
      { width: 1024, height: 1024 },
    );
    expect(result).toEqual({
      status: 'completed',
      outputs: [{ type: 'bytes', data: png, mimeType: 'image/png', width: 1024, height: 1024 }],
    });
  });

  it('should report a blocked prompt or a safety stop as content_rejected', () => {
    expect(
      mapGoogleImageResult({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }, {}),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected', isRetryable: false });
    expect(
      mapGoogleImageResult({ candidates: [{ finishReason: 'IMAGE_SAFETY' }] }, {}),
    ).toMatchObject({
      status: 'failed',
      code: 'provider_content_rejected',
    });
  });

  it('should report a text-only answer as a retryable generation failure', () => {
    expect(
      mapGoogleImageResult(
        {
          candidates: [
            { content: { parts: [{ text: 'I cannot draw that.' }] }, finishReason: 'STOP' },
          ],
        },
        {},
      ),
    ).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
      message: expect.stringContaining('I cannot draw that.'),
    });
  });
});
