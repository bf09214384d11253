import { describe, expect, it } from 'vitest';
import { falErrorFromResponse, falErrorMessage, falFailureFromResult } from './fal-errors.js';

const response = (status: number, json: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  text: JSON.stringify(json),
  json,
});

describe('fal error mapping', () => {
  it('should map the exhausted-balance 403 to a retryable provider_insufficient_credits', () => {
    const error = falErrorFromResponse(
      'fal',
      response(403, {
        detail:
          'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.',
      }),
    );
    expect(error.code).toBe('provider_insufficient_credits');
    expect(error.isRetryable).toBe(true);
    expect(
      falErrorFromResponse('fal', response(403, { detail: 'User is locked. Reason: TOP_UP.' }))
        .code,
    ).toBe('provider_insufficient_credits');
  });

  it('should map other 403s and 401 to a non-retryable auth failure', () => {
    for (const error of [
      falErrorFromResponse(
        'fal',
        response(403, {
          detail: 'User is locked. Reason: Admin lock. Please contact support@fal.ai',
        }),
      ),
      falErrorFromResponse('fal', response(401, { detail: 'Unauthorized' })),
    ]) {
      expect(error.code).toBe('provider_auth_failed');
      expect(error.isRetryable).toBe(false);
    }
  });

  it('should map 422, 429 (with Retry-After), 5xx and 504', () => {
    expect(
      falErrorFromResponse(
        'fal',
        response(422, { detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] }),
      ).code,
    ).toBe('provider_invalid_request');
    const limited = falErrorFromResponse(
      'fal',
      response(429, { detail: 'slow down' }, { 'retry-after': '7' }),
    );
    expect([limited.code, limited.retryAfterMs]).toEqual(['provider_rate_limited', 7000]);
    expect(
      falErrorFromResponse(
        'fal',
        response(503, { detail: 'x', error_type: 'runner_scheduling_failure' }),
      ).code,
    ).toBe('provider_unavailable');
    expect(
      falErrorFromResponse(
        'fal',
        response(504, { detail: 'Request timed out', error_type: 'request_timeout' }),
      ).code,
    ).toBe('provider_timeout');
  });

  it('should read both detail shapes', () => {
    expect(falErrorMessage({ detail: 'plain' })).toBe('plain');
    expect(falErrorMessage({ detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] })).toBe(
      'body.prompt: field required',
    );
    expect(falErrorMessage('not an object')).toBeUndefined();
  });

  it('should turn a failed result into a status, and leave call errors to the caller', () => {
    expect(falFailureFromResult(response(422, { detail: 'bad image' }))).toMatchObject({
      status: 'failed',
      code: 'provider_invalid_request',
      isRetryable: false,
    });
    expect(falFailureFromResult(response(500, { detail: 'Runner disconnected' }))).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
    expect(
      falFailureFromResult(response(400, { detail: 'Request was cancelled by the user.' })),
    ).toEqual({ status: 'canceled' });
    expect(falFailureFromResult(response(401, { detail: 'Unauthorized' }))).toBeUndefined();
  });
});
