import { describe, expect, it } from 'vitest';
import { openaiErrorFromResponse, redactOpenAISecrets } from './openai-errors.js';

function answer(
  status: number,
  error: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const json = { error };
  return { status, headers: new Headers(headers), text: JSON.stringify(json), json };
}

describe('openaiErrorFromResponse', () => {
  it('should map 429 insufficient_quota to retryable provider_insufficient_credits', () => {
    const error = openaiErrorFromResponse(
      'openai',
      'sk-live-key-123456',
      answer(429, {
        message: 'You exceeded your current quota, please check your plan and billing details.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      }),
      'submit',
    );
    expect(error.code).toBe('provider_insufficient_credits');
    expect(error.isRetryable).toBe(true);
  });

  it('should recognise the older insufficient_quota body whose code is null', () => {
    const error = openaiErrorFromResponse(
      'openai',
      'k',
      answer(429, {
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        param: null,
        code: null,
      }),
      'submit',
    );
    expect(error.code).toBe('provider_insufficient_credits');
  });

  it("should map the Images API's 400 billing_hard_limit_reached to exhausted credit", () => {
    const error = openaiErrorFromResponse(
      'openai',
      'k',
      answer(400, {
        code: 'billing_hard_limit_reached',
        message: 'Billing hard limit has been reached',
        param: null,
        type: 'invalid_request_error',
      }),
      'submit',
    );
    expect(error.code).toBe('provider_insufficient_credits');
  });

  it('should map other 429s to a rate limit that honours Retry-After', () => {
    const error = openaiErrorFromResponse(
      'openai',
      'k',
      answer(
        429,
        { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
        { 'retry-after': '7' },
      ),
      'submit',
    );
    expect(error.code).toBe('provider_rate_limited');
    expect(error.retryAfterMs).toBe(7000);
  });

  it('should map 401 to a non-retryable auth failure without any part of the key', () => {
    const key = 'sk-test-abcdefghijklmnopwxyz';
    const error = openaiErrorFromResponse(
      'openai',
      key,
      answer(401, {
        message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      }),
      'submit',
    );
    expect(error.code).toBe('provider_auth_failed');
    expect(error.isRetryable).toBe(false);
    expect(error.message).not.toContain('abcdefgh');
    expect(error.responseBody).not.toContain('abcdefgh');
    expect(error.message).toContain('[redacted]');
  });

  it('should map moderation refusals to provider_content_rejected', () => {
    const error = openaiErrorFromResponse(
      'openai',
      'k',
      answer(400, {
        message: 'Your request was rejected by the safety system.',
        type: 'image_generation_user_error',
        code: 'moderation_blocked',
      }),
      'submit',
    );
    expect(error.code).toBe('provider_content_rejected');
    expect(error.isRetryable).toBe(false);
  });

  it('should map a refused model on submit to provider_model_unavailable, but not on status', () => {
    const body = answer(404, {
      message:
        'The model `dall-e-3` has been deprecated. Learn more: https://platform.openai.com/docs/deprecations',
      type: 'invalid_request_error',
      code: 'model_not_found',
    });
    const onSubmit = openaiErrorFromResponse('openai', 'k', body, 'submit');
    expect(onSubmit.code).toBe('provider_model_unavailable');
    expect(onSubmit.isRetryable).toBe(true);
    expect(
      openaiErrorFromResponse('openai', 'k', { ...body, status: 410 }, 'submit'),
    ).toMatchObject({ code: 'provider_model_unavailable', isRetryable: true, statusCode: 410 });
    const onStatus = openaiErrorFromResponse('openai', 'k', body, 'status');
    expect(onStatus.code).toBe('provider_invalid_request');
    expect(onStatus.isRetryable).toBe(false);
  });

  it('should map 400 invalid_value to a non-retryable invalid request and 5xx to unavailable', () => {
    expect(
      openaiErrorFromResponse(
        'openai',
        'k',
        answer(400, {
          message: "Invalid value: 'tiny'.",
          type: 'invalid_request_error',
          code: 'invalid_value',
          param: 'size',
        }),
        'submit',
      ),
    ).toMatchObject({ code: 'provider_invalid_request', isRetryable: false });
    expect(
      openaiErrorFromResponse(
        'openai',
        'k',
        answer(500, { message: 'The server had an error', type: 'server_error', code: null }),
        'submit',
      ),
    ).toMatchObject({ code: 'provider_unavailable', isRetryable: true });
  });
});

describe('redactOpenAISecrets', () => {
  it('should remove the configured key and anything shaped like an OpenAI key', () => {
    expect(redactOpenAISecrets('key sk-proj-AbC123_x and my-secret-value', 'my-secret-value')).toBe(
      'key sk-[redacted] and [redacted]',
    );
  });
});
