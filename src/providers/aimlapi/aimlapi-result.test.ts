import { describe, expect, it } from 'vitest';
import { aimlapiFailedStatus } from './aimlapi-errors.js';
import { aimlapiCostUsd, aimlapiImageOutputs, mapAimlapiVideoResult } from './aimlapi-result.js';

describe('mapAimlapiVideoResult', () => {
  const status = (video: Parameters<typeof mapAimlapiVideoResult>[1]) =>
    mapAimlapiVideoResult('aimlapi', video, 2_000_000, 5);

  it('should map every documented status', () => {
    expect(status({ status: 'queued' })).toEqual({ status: 'pending', phase: 'queued' });
    expect(status({ status: 'generating' })).toEqual({ status: 'pending', phase: 'running' });
    expect(
      status({
        status: 'completed',
        video: { url: 'https://cdn.aimlapi.com/v.mp4' },
        meta: { usage: { credits_used: 700_000 } },
      }),
    ).toEqual({
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: 'https://cdn.aimlapi.com/v.mp4',
          mimeType: 'video/mp4',
          durationSeconds: 5,
        },
      ],
      usage: { costUsd: 0.35, videoSeconds: 5 },
    });
    expect(
      status({ status: 'error', error: { name: 'Error', message: 'Upstream failed' } }),
    ).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
  });

  it('should read legacy in-progress names and reject unknown states', () => {
    expect(status({ status: 'dreaming' })).toMatchObject({ phase: 'running' });
    expect(status({ status: 'waiting' })).toMatchObject({ phase: 'queued' });
    expect(() => status({ status: 'exploded' })).toThrowError(/unknown generation state/);
    expect(() => status({ status: 'completed' })).toThrowError(/unknown generation state/);
  });

  it('should classify failure texts', () => {
    expect(
      aimlapiFailedStatus({ error: { message: 'Content moderation flagged the prompt' } }),
    ).toMatchObject({
      code: 'provider_content_rejected',
      isRetryable: false,
    });
    expect(aimlapiFailedStatus({ error: 'Invalid image_url' })).toMatchObject({
      code: 'provider_invalid_request',
    });
  });
});

describe('image answers', () => {
  it('should read data[] urls, data[] base64 and images[]', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    expect(
      aimlapiImageOutputs('aimlapi', { data: [{ url: 'https://a/1.png' }] }, { width: 64 }),
    ).toEqual([{ type: 'url', url: 'https://a/1.png', width: 64 }]);
    expect(aimlapiImageOutputs('aimlapi', { data: [{ b64_json: png }] }, {})[0]).toMatchObject({
      type: 'bytes',
      mimeType: 'image/png',
    });
    expect(
      aimlapiImageOutputs(
        'aimlapi',
        { images: [{ url: 'https://a/2.png', width: 8, height: 9, content_type: 'image/jpeg' }] },
        {},
      ),
    ).toEqual([
      { type: 'url', url: 'https://a/2.png', mimeType: 'image/jpeg', width: 8, height: 9 },
    ]);
    expect(() => aimlapiImageOutputs('aimlapi', { data: [] }, {})).toThrowError(
      /without any image/,
    );
    expect(aimlapiCostUsd({ usage: { credits_used: 6300 } }, 2_000_000)).toBe(0.00315);
    expect(aimlapiCostUsd(null, 2_000_000)).toBeUndefined();
  });
});
