import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../catalog/estimate-cost.js';
import { isRunwayFetchable } from './runway-adapter.js';
import { runwayErrorFromResponse } from './runway-errors.js';
import { runwayModels } from './runway-models.js';

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers: new Headers(headers), text: JSON.stringify(body), json: body };
}

describe('runwayErrorFromResponse', () => {
  it('should tell an empty credit balance (HTTP 400) from a bad input', () => {
    const credit = runwayErrorFromResponse(
      'runway',
      answer(400, {
        error: 'You do not have enough credits to run this task.',
        docUrl: 'https://docs.dev.runwayml.com/api',
      }),
    );
    expect(credit).toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 400,
    });
    const invalid = runwayErrorFromResponse(
      'runway',
      answer(400, {
        error: 'Validation of body failed',
        issues: [
          { path: ['ratio'], message: "Invalid enum value. Expected '1280:720', received '1:1'" },
        ],
      }),
    );
    expect(invalid).toMatchObject({ code: 'provider_invalid_request', isRetryable: false });
    expect(invalid.message).toContain('ratio: Invalid enum value');
  });

  it('should map 401 to auth, 429 with Retry-After, and 502–504 to retryable outages', () => {
    expect(
      runwayErrorFromResponse('runway', answer(401, { error: 'Invalid API key.' })),
    ).toMatchObject({ code: 'provider_auth_failed', isRetryable: false });
    expect(
      runwayErrorFromResponse(
        'runway',
        answer(429, { error: 'Too many requests.' }, { 'retry-after': '7' }),
      ),
    ).toMatchObject({
      code: 'provider_rate_limited',
      retryAfterMs: 7000,
    });
    expect(runwayErrorFromResponse('runway', answer(502, {}))).toMatchObject({
      code: 'provider_unavailable',
      isRetryable: true,
    });
    expect(runwayErrorFromResponse('runway', answer(504, {}))).toMatchObject({
      code: 'provider_timeout',
      isRetryable: true,
    });
  });

  it('should read an error given as an object', () => {
    const error = runwayErrorFromResponse(
      'runway',
      answer(400, { error: { message: 'You do not have enough credits to run this task.' } }),
    );
    expect(error.code).toBe('provider_insufficient_credits');
  });
});

describe('runway prices', () => {
  it('should price gen4_image at 5 credits for 720p sizes and 8 otherwise, gen4_turbo at 5 credits a second', () => {
    const image = runwayModels.find((model) => model.modelKey === 'gen4_image')!;
    expect(estimateCost(image.price, { n: 1, width: 1280, height: 720 })).toBe(0.05);
    expect(estimateCost(image.price, { n: 1, width: 720, height: 960 })).toBe(0.05);
    expect(estimateCost(image.price, { n: 1, width: 1920, height: 1080 })).toBe(0.08);
    expect(estimateCost(image.price, { n: 1 })).toBe(0.08);
    const video = runwayModels.find((model) => model.modelKey === 'gen4_turbo')!;
    expect(estimateCost(video.price, { n: 1, duration: 10 })).toBe(0.5);
  });
});

describe('isRunwayFetchable', () => {
  it('should accept HTTPS URLs on a domain only', () => {
    expect(isRunwayFetchable('https://cdn.example.com/a.png')).toBe(true);
    expect(isRunwayFetchable('http://cdn.example.com/a.png')).toBe(false);
    expect(isRunwayFetchable('https://11.22.33.44/a.png')).toBe(false);
    expect(isRunwayFetchable('https://[::1]/a.png')).toBe(false);
    expect(isRunwayFetchable('not a url')).toBe(false);
  });
});
