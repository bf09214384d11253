import { describe, expect, it } from 'vitest';
import { aimlapiErrorFromResponse, aimlapiModelUnavailable } from './aimlapi-errors.js';

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

describe('aimlapiModelUnavailable', () => {
  // The documented 400 (docs/errors-and-messages/errors-with-status-code-4xx.md): the enum
  // message names no field, only what was expected and what was received.
  const documented = (received: string) =>
    errorBody(
      400,
      `Body validation error\nInvalid enum value. Expected 'kling-video/v1/standard/image-to-video' | 'kling-video/v1/pro/image-to-video', received '${received}'`,
    );

  it('should read an enum refusal that echoes the model id sent as the model being unavailable', () => {
    const error = aimlapiModelUnavailable(
      'aimlapi',
      documented('kling-video/v1/retired'),
      'kling-video/v1/retired',
    );
    expect(error).toMatchObject({ code: 'provider_model_unavailable', isRetryable: true });
  });

  it('should leave an enum refusal of another value (the caller input) to the status mapping', () => {
    expect(
      aimlapiModelUnavailable('aimlapi', documented('a mushroom in the woods'), 'kling-video/v1'),
    ).toBeUndefined();
    expect(
      aimlapiModelUnavailable('aimlapi', errorBody(429, 'Too Many Requests'), 'x'),
    ).toBeUndefined();
  });
});
