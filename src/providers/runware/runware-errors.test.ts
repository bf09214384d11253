import { describe, expect, it } from 'vitest';
import {
  classifyRunwareCode,
  runwareErrorFromItems,
  runwareErrorFromResponse,
  runwareFailedStatus,
} from './runware-errors.js';

const response = (status: number, json: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  text: JSON.stringify(json),
  json,
});
const envelope = (code: string, message = 'details') => ({ errors: [{ code, message }] });

describe('classifyRunwareCode', () => {
  it.each([
    ['insufficientCredits', 'provider_insufficient_credits'],
    ['paymentRequired', 'provider_insufficient_credits'],
    ['providerInsufficientCredits', 'provider_unavailable'],
    ['invalidApiKey', 'provider_auth_failed'],
    ['providerAuthenticationFailed', 'provider_unavailable'],
    ['rateLimitExceeded', 'provider_rate_limited'],
    ['providerContentPolicyViolation', 'provider_content_rejected'],
    ['nsfwContentDetected', 'provider_content_rejected'],
    ['timeoutProvider', 'provider_timeout'],
    ['invalidWidth', 'provider_invalid_request'],
    ['missingPositivePrompt', 'provider_invalid_request'],
    ['unknownParameter', 'provider_invalid_request'],
    ['inferenceError', undefined],
    ['unknownModel', 'provider_model_unavailable'],
    ['invalidModel', 'provider_model_unavailable'],
    ['modelNotFound', 'provider_model_unavailable'],
    ['modelUnavailable', undefined],
    [undefined, undefined],
  ])('should classify %s as %s', (code, expected) => {
    expect(classifyRunwareCode(code)).toBe(expected);
  });

  it('should classify a validation code on the model parameter as the model being unavailable', () => {
    expect(classifyRunwareCode('invalidValue', 'model')).toBe('provider_model_unavailable');
    expect(classifyRunwareCode('invalidValue', 'width')).toBe('provider_invalid_request');
  });

  it("should classify Runware's not-an-AIR-id text on the model parameter as unavailable, whatever the code", () => {
    const text =
      "Invalid value for 'model' parameter. Model must be an string value representing a valid AIR identifier.";
    expect(classifyRunwareCode('someNewCode', 'model', text)).toBe('provider_model_unavailable');
    expect(classifyRunwareCode('someNewCode', 'width', text)).toBeUndefined();
  });
});

describe('runwareErrorFromResponse', () => {
  it('should map 402 to a retryable insufficient-credits error with the code in the message', () => {
    const error = runwareErrorFromResponse(
      'runware',
      response(402, envelope('insufficientCredits')),
    );
    expect(error.code).toBe('provider_insufficient_credits');
    expect(error.isRetryable).toBe(true);
    expect(error.statusCode).toBe(402);
    expect(error.message).toContain('insufficientCredits: details');
  });

  it('should let a credit code win over a 400 or 403 status', () => {
    expect(
      runwareErrorFromResponse('runware', response(400, envelope('insufficientCredits'))).code,
    ).toBe('provider_insufficient_credits');
    expect(
      runwareErrorFromResponse('runware', response(403, envelope('insufficientCredits'))).code,
    ).toBe('provider_insufficient_credits');
  });

  it('should map 401 and 403 to non-retryable auth errors', () => {
    for (const status of [401, 403]) {
      const error = runwareErrorFromResponse(
        'runware',
        response(status, envelope('invalidApiKey')),
      );
      expect(error.code).toBe('provider_auth_failed');
      expect(error.isRetryable).toBe(false);
    }
  });

  it('should map 429 with Retry-After and 5xx, 504 by status', () => {
    const limited = runwareErrorFromResponse(
      'runware',
      response(429, envelope('rateLimitExceeded'), { 'retry-after': '7' }),
    );
    expect(limited).toMatchObject({ code: 'provider_rate_limited', retryAfterMs: 7000 });
    expect(runwareErrorFromResponse('runware', response(503, {})).code).toBe(
      'provider_unavailable',
    );
    expect(runwareErrorFromResponse('runware', response(504, {})).code).toBe('provider_timeout');
  });

  it('should map a 400 content-policy refusal to provider_content_rejected', () => {
    const error = runwareErrorFromResponse(
      'runware',
      response(400, envelope('contentPolicyViolation')),
    );
    expect(error.code).toBe('provider_content_rejected');
    expect(error.isRetryable).toBe(false);
  });

  it('should map a 400 without a Runware body to provider_invalid_request', () => {
    const error = runwareErrorFromResponse('runware', {
      status: 400,
      headers: new Headers(),
      text: 'bad',
      json: undefined,
    });
    expect(error.code).toBe('provider_invalid_request');
  });
});

describe('runwareErrorFromItems', () => {
  it('should map scoped refusals by code and unknown codes to a retryable outage', () => {
    expect(runwareErrorFromItems('runware', [{ code: 'invalidDuration' }], '{}').code).toBe(
      'provider_invalid_request',
    );
    const unknown = runwareErrorFromItems('runware', [{ code: 'somethingNew' }], '{}');
    expect(unknown.code).toBe('provider_unavailable');
    expect(unknown.isRetryable).toBe(true);
  });
});

describe('runwareFailedStatus', () => {
  it('should make provider-side failures retryable and content refusals final', () => {
    expect(runwareFailedStatus({ code: 'timeoutProvider' })).toMatchObject({
      status: 'failed',
      code: 'provider_timeout',
      isRetryable: true,
    });
    expect(runwareFailedStatus({ code: 'inferenceError', message: 'boom' })).toMatchObject({
      code: 'provider_generation_failed',
      isRetryable: true,
    });
    expect(runwareFailedStatus({ code: 'providerContentPolicyViolation' })).toMatchObject({
      code: 'provider_content_rejected',
      isRetryable: false,
    });
    expect(runwareFailedStatus(undefined)).toMatchObject({ code: 'provider_generation_failed' });
  });
});
