import { describe, expect, it } from 'vitest';
import { aimlapiErrorFromResponse } from './aimlapi-errors.js';

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
