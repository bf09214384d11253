import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../core/provider-adapter.js';
import { googleModels } from './google-models.js';
import { buildGoogleVideoRequest, mapGoogleVideoResult } from './google-video-request.js';

const veo = googleModels.find((offering) => offering.modelKey === 'veo-3-fast')!;
const stored = {
  kind: 'video' as const,
  name: 'models/veo/operations/op1',
  durationSeconds: 8,
  width: 1280,
  height: 720,
};
const download = { baseUrl: 'http://127.0.0.1:9/v1beta', apiKey: 'key-123' };
const png = Buffer.from('89504e470d0a1a0a', 'hex');

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    kind: 'video',
    task: 'text-to-video',
    offering: veo,
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

describe('buildGoogleVideoRequest', () => {
  it('should map prompt, aspect ratio, resolution, duration and negative prompt', async () => {
    const call = await buildGoogleVideoRequest(
      request({ width: 720, height: 1280, duration: 4, negativePrompt: 'rain' }),
      'google',
    );
    expect(call.body).toEqual({
      instances: [{ prompt: 'waves' }],
      parameters: {
        aspectRatio: '9:16',
        resolution: '720p',
        durationSeconds: 4,
        negativePrompt: 'rain',
      },
    });
    expect(call.operation).toEqual({ kind: 'video', durationSeconds: 4, width: 720, height: 1280 });
  });

  it('should inline the first frame for image-to-video', async () => {
    const call = await buildGoogleVideoRequest(
      request({
        task: 'image-to-video',
        inputImages: [{ read: async () => ({ data: png, mimeType: 'image/png' }) }],
      }),
      'google',
    );
    expect((call.body.instances as Record<string, unknown>[])[0]).toEqual({
      prompt: 'waves',
      image: { bytesBase64Encoded: png.toString('base64'), mimeType: 'image/png' },
    });
  });

  it('should refuse 1080p clips that are not 8 s long, retryably', async () => {
    await expect(
      buildGoogleVideoRequest(
        request({ width: 1920, height: 1080, resolution: '1080p', duration: 4 }),
        'google',
      ),
    ).rejects.toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
    await expect(
      buildGoogleVideoRequest(
        request({ width: 1920, height: 1080, resolution: '1080p', duration: 8 }),
        'google',
      ),
    ).resolves.toBeDefined();
  });
});

describe('mapGoogleVideoResult', () => {
  it('should keep a running operation pending', () => {
    expect(mapGoogleVideoResult({ name: stored.name }, stored, download)).toEqual({
      status: 'pending',
      phase: 'running',
    });
  });

  it('should download the file id from the configured base URL with the key, like the SDK', () => {
    const sample = (uri: string) => ({
      name: stored.name,
      done: true,
      response: {
        generateVideoResponse: { generatedSamples: [{ video: { uri, encoding: 'video/mp4' } }] },
      },
    });
    expect(
      mapGoogleVideoResult(
        sample('https://generativelanguage.googleapis.com/v1beta/files/f1abc:download?alt=media'),
        stored,
        download,
      ),
    ).toEqual({
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: 'http://127.0.0.1:9/v1beta/files/f1abc:download?alt=media',
          headers: { 'x-goog-api-key': 'key-123' },
          mimeType: 'video/mp4',
          width: 1280,
          height: 720,
          durationSeconds: 8,
        },
      ],
      usage: { videoSeconds: 8 },
    });
    const elsewhere = mapGoogleVideoResult(
      sample('https://storage.example/signed/video.mp4'),
      stored,
      download,
    );
    expect(elsewhere.status === 'completed' && elsewhere.outputs[0]).toEqual({
      type: 'url',
      url: 'https://storage.example/signed/video.mp4',
      mimeType: 'video/mp4',
      width: 1280,
      height: 720,
      durationSeconds: 8,
    });
  });

  it('should map filtered videos to content_rejected and errors by gRPC code', () => {
    expect(
      mapGoogleVideoResult(
        {
          name: stored.name,
          done: true,
          response: {
            generateVideoResponse: {
              raiMediaFilteredCount: 1,
              raiMediaFilteredReasons: ['audio issue'],
            },
          },
        },
        stored,
        download,
      ),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected', isRetryable: false });
    expect(
      mapGoogleVideoResult(
        { name: stored.name, done: true, error: { code: 3, message: 'bad frame' } },
        stored,
        download,
      ),
    ).toMatchObject({ status: 'failed', code: 'provider_invalid_request', isRetryable: false });
    expect(
      mapGoogleVideoResult(
        { name: stored.name, done: true, error: { code: 13, message: 'internal' } },
        stored,
        download,
      ),
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed', isRetryable: true });
    expect(
      mapGoogleVideoResult({ name: stored.name, done: true, response: {} }, stored, download),
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed' });
  });

  it('should accept inline encoded videos as bytes', () => {
    const result = mapGoogleVideoResult(
      {
        name: stored.name,
        done: true,
        response: {
          generateVideoResponse: {
            generatedSamples: [{ video: { encodedVideo: Buffer.from('mp4').toString('base64') } }],
          },
        },
      },
      stored,
      download,
    );
    expect(result).toMatchObject({
      status: 'completed',
      outputs: [{ type: 'bytes', data: Buffer.from('mp4') }],
    });
  });
});
