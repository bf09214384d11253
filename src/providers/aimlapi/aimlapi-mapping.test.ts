import { describe, expect, it } from 'vitest';
import type { ImageInput } from '../../core/provider-adapter.js';
import { sampleRequest } from '../../../test/contracts/sample-request.js';
import { aimlapiHost } from './aimlapi-config.js';
import { aimlapiErrorFromResponse, aimlapiFailedStatus } from './aimlapi-errors.js';
import { aimlapiModels, aimlapiWireModel } from './aimlapi-models.js';
import { buildAimlapiImageBody, buildAimlapiVideoBody } from './aimlapi-request-mapping.js';
import {
  aimlapiCostUsd,
  aimlapiImageOutputs,
  aimlapiVideoStatus,
} from './aimlapi-result-mapping.js';

const model = (key: string) => aimlapiModels.find((offering) => offering.modelKey === key)!;
const errorBody = (status: number, message: string, headers: Record<string, string> = {}) => {
  const json = { message, path: '/v2/video/generations', requestId: 'r', statusCode: status };
  return { status, headers: new Headers(headers), text: JSON.stringify(json), json };
};

describe('aimlapiErrorFromResponse', () => {
  it('should map the documented out-of-credits 403 to a retryable credit error', () => {
    const error = aimlapiErrorFromResponse(
      'aimlapi',
      errorBody(
        403,
        "You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
      ),
    );
    expect(error).toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 403,
    });
  });

  it('should map other statuses by class', () => {
    const cases: [number, string][] = [
      [401, 'provider_auth_failed'],
      [403, 'provider_auth_failed'],
      [400, 'provider_invalid_request'],
      [429, 'provider_rate_limited'],
      [500, 'provider_unavailable'],
      [504, 'provider_timeout'],
    ];
    for (const [status, code] of cases) {
      expect(aimlapiErrorFromResponse('aimlapi', errorBody(status, 'x')).code).toBe(code);
    }
    const limited = aimlapiErrorFromResponse(
      'aimlapi',
      errorBody(429, 'Too Many Requests', { 'retry-after': '7' }),
    );
    expect(limited.retryAfterMs).toBe(7000);
    expect(limited.message).toContain('Too Many Requests');
  });
});

describe('aimlapiVideoStatus', () => {
  const status = (video: Parameters<typeof aimlapiVideoStatus>[1]) =>
    aimlapiVideoStatus('aimlapi', video, 2_000_000, 5);

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

describe('request bodies', () => {
  it('should map FLUX sizes, counts and seeds, and refuse seed 0 retryably', () => {
    const request = sampleRequest(model('flux-schnell'), { overrides: { n: 3, seed: 9 } });
    expect(buildAimlapiImageBody('aimlapi', request).body).toEqual({
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
    expect(buildAimlapiImageBody('aimlapi', byRatio).body.image_size).toBe('landscape_16_9');
    expect(() => buildAimlapiImageBody('aimlapi', { ...request, seed: 0 })).toThrowError(
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
    const { body, warnings } = await buildAimlapiVideoBody(request);
    expect(body).toEqual({
      model: 'klingai/v2.5-turbo/pro/image-to-video',
      prompt: 'a lighthouse at dusk',
      duration: 5,
      negative_prompt: 'blur',
      image_url: `data:image/png;base64,${Buffer.from('img').toString('base64')}`,
    });
    expect(warnings).toEqual([expect.objectContaining({ parameter: 'aspect_ratio' })]);
    const text = await buildAimlapiVideoBody({
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
