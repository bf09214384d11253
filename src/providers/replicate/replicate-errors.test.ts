import { describe, expect, it } from 'vitest';
import { replicateErrorFromResponse } from './replicate-errors.js';

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  return { status, headers: new Headers(headers), text, json: body };
}

describe('replicateErrorFromResponse', () => {
  it('should map Replicate\'s 402 "Insufficient credit" problem to a retryable credit error', () => {
    const error = replicateErrorFromResponse(
      'replicate',
      answer(402, {
        title: 'Insufficient credit',
        detail:
          'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.',
        status: 402,
      }),
    );
    expect(error).toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 402,
    });
    expect(error.message).toContain('insufficient credit to run this model');
  });

  it('should map 401 to a non-retryable auth failure', () => {
    const error = replicateErrorFromResponse(
      'replicate',
      answer(401, {
        title: 'Unauthenticated',
        detail: 'You did not pass a valid authentication token',
        status: 401,
      }),
    );
    expect(error).toMatchObject({ code: 'provider_auth_failed', isRetryable: false });
  });

  it('should map 422 input validation to a non-retryable invalid request with the detail', () => {
    const error = replicateErrorFromResponse(
      'replicate',
      answer(422, {
        detail: '- input.duration: duration must be one of the following: 5, 10\n',
        status: 422,
        title: 'Input validation failed',
      }),
    );
    expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: false });
    expect(error.message).toContain('input.duration');
  });

  it("should take the 429 wait from Retry-After, or else from the body's reset hint", () => {
    const withHeader = replicateErrorFromResponse(
      'replicate',
      answer(
        429,
        { detail: 'Request was throttled. Your rate limit resets in ~30s.' },
        { 'retry-after': '7' },
      ),
    );
    expect(withHeader).toMatchObject({
      code: 'provider_rate_limited',
      isRetryable: true,
      retryAfterMs: 7000,
    });
    const fromBody = replicateErrorFromResponse(
      'replicate',
      answer(429, { detail: 'Request was throttled. Your rate limit resets in ~30s.' }),
    );
    expect(fromBody).toMatchObject({ code: 'provider_rate_limited', retryAfterMs: 30_000 });
  });

  it('should map 5xx to retryable unavailability even without a problem body', () => {
    const error = replicateErrorFromResponse('replicate', {
      status: 503,
      headers: new Headers(),
      text: 'upstream connect error',
      json: undefined,
    });
    expect(error).toMatchObject({ code: 'provider_unavailable', isRetryable: true });
  });
});
