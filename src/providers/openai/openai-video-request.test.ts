import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors/index.js';
import type { ImageInput, ProviderRequest } from '../../core/provider-adapter.js';
import { renderPng } from '../simulator/render-png.js';
import { soraRelayOffering } from '../../../test/fakes/openai/openai-relay-offering.js';
import { buildOpenAIVideoRequest, mapOpenAIVideoResult } from './openai-video-request.js';

const sora = soraRelayOffering;
const operation = {
  kind: 'video' as const,
  videoId: 'video_abc',
  seconds: 8,
  width: 1280,
  height: 720,
};
const download = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-key' };

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    kind: 'video',
    task: 'text-to-video',
    offering: sora,
    prompt: 'waves',
    inputImages: [],
    n: 1,
    width: 1280,
    height: 720,
    resolution: '720p',
    duration: 8,
    ...overrides,
  };
}

async function pngInput(width: number, height: number): Promise<ImageInput> {
  const data = await renderPng({ prompt: 'frame', seed: 1, width, height });
  return { read: async () => ({ data, mimeType: 'image/png' }) };
}

describe('buildOpenAIVideoRequest', () => {
  it('should send prompt, model, seconds as a string and size', async () => {
    const { form, operation: stored } = await buildOpenAIVideoRequest(
      request({ width: 720, height: 1280 }),
      'openai',
    );
    expect(Object.fromEntries(form.entries())).toEqual({
      prompt: 'waves',
      model: 'sora-2',
      seconds: '8',
      size: '720x1280',
    });
    expect(stored).toEqual({ kind: 'video', seconds: 8, width: 720, height: 1280 });
  });

  it('should attach an input image of exactly the output size as input_reference', async () => {
    const { form } = await buildOpenAIVideoRequest(
      request({ task: 'image-to-video', inputImages: [await pngInput(1280, 720)] }),
      'openai',
    );
    const file = form.get('input_reference');
    expect(file).toBeInstanceOf(Blob);
    expect((file as Blob).type).toBe('image/png');
  });

  it('should refuse, retryably, an input image whose size differs from the output', async () => {
    const error = await buildOpenAIVideoRequest(
      request({ task: 'image-to-video', inputImages: [await pngInput(64, 64)] }),
      'openai',
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
    expect((error as Error).message).toContain('1280x720');
  });

  it('should refuse sizes and durations sora-2 does not render', async () => {
    await expect(
      buildOpenAIVideoRequest(request({ width: 1920, height: 1080 }), 'openai'),
    ).rejects.toMatchObject({ code: 'provider_invalid_request' });
    await expect(buildOpenAIVideoRequest(request({ duration: 5 }), 'openai')).rejects.toMatchObject(
      {
        code: 'provider_invalid_request',
      },
    );
  });
});

describe('mapOpenAIVideoResult', () => {
  const video = (fields: Record<string, unknown>) => ({
    id: 'video_abc',
    status: 'queued',
    ...fields,
  });

  it('should map queued and in_progress to pending with progress 0–1', () => {
    expect(mapOpenAIVideoResult('openai', video({ progress: 0 }), operation, download)).toEqual({
      status: 'pending',
      phase: 'queued',
      progress: 0,
    });
    expect(
      mapOpenAIVideoResult(
        'openai',
        video({ status: 'in_progress', progress: 45 }),
        operation,
        download,
      ),
    ).toEqual({ status: 'pending', phase: 'running', progress: 0.45 });
  });

  it('should map completed to the /content URL with the key as a header and the video seconds', () => {
    const result = mapOpenAIVideoResult(
      'openai',
      video({ status: 'completed', progress: 100, seconds: '8', size: '1280x720' }),
      operation,
      download,
    );
    expect(result).toEqual({
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: 'https://api.openai.com/v1/videos/video_abc/content',
          headers: { authorization: 'Bearer sk-key', accept: 'application/binary' },
          mimeType: 'video/mp4',
          width: 1280,
          height: 720,
          durationSeconds: 8,
        },
      ],
      usage: { videoSeconds: 8 },
    });
  });

  it('should map moderation failures to content_rejected and others to a retryable generation failure', () => {
    expect(
      mapOpenAIVideoResult(
        'openai',
        video({ status: 'failed', error: { code: 'moderation_blocked', message: 'Blocked.' } }),
        operation,
        download,
      ),
    ).toEqual({
      status: 'failed',
      code: 'provider_content_rejected',
      message: 'Blocked.',
      isRetryable: false,
    });
    expect(
      mapOpenAIVideoResult(
        'openai',
        video({ status: 'failed', error: { code: 'internal_error', message: 'Boom.' } }),
        operation,
        download,
      ),
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed', isRetryable: true });
  });

  it('should treat an unknown status as a bad response', () => {
    expect(() =>
      mapOpenAIVideoResult('openai', video({ status: 'exploded' }), operation, download),
    ).toThrow(ProviderError);
  });
});
