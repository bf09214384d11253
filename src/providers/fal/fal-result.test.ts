import { describe, expect, it } from 'vitest';
import { mapFalResult } from './fal-result.js';

describe('mapFalResult', () => {
  it('should map FLUX images with their size and type', () => {
    const result = mapFalResult({
      images: [
        { url: 'https://v3.fal.media/a.jpg', width: 1024, height: 768, content_type: 'image/jpeg' },
      ],
      seed: 1,
    });
    expect(result).toEqual({
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: 'https://v3.fal.media/a.jpg',
          mimeType: 'image/jpeg',
          width: 1024,
          height: 768,
        },
      ],
    });
  });

  it('should map a video and report the requested seconds as usage', () => {
    expect(
      mapFalResult({ video: { url: 'https://v3.fal.media/v.mp4' } }, { durationSeconds: 5 }),
    ).toEqual({
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: 'https://v3.fal.media/v.mp4',
          mimeType: 'video/mp4',
          durationSeconds: 5,
        },
      ],
      usage: { videoSeconds: 5 },
    });
  });

  it('should drop images flagged by the safety checker with a warning, and reject when all are', () => {
    const partial = mapFalResult({
      images: [{ url: 'https://a/1.png' }, { url: 'https://a/2.png' }],
      has_nsfw_concepts: [true, false],
    });
    expect(partial).toMatchObject({
      status: 'completed',
      outputs: [{ url: 'https://a/2.png' }],
      warnings: [{ code: 'outputs_filtered' }],
    });
    expect(
      mapFalResult({ images: [{ url: 'https://a/1.png' }], has_nsfw_concepts: [true] }),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected', isRetryable: false });
  });

  it('should return undefined for an output without files', () => {
    expect(mapFalResult({ images: [] })).toBeUndefined();
    expect(mapFalResult({ text: 'hi' })).toBeUndefined();
    expect(mapFalResult(null)).toBeUndefined();
  });
});
