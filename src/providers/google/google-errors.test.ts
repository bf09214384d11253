import { describe, expect, it } from 'vitest';
import { googleErrorFromResponse, parseRetryDelay, redactGoogleSecrets } from './google-errors.js';

function answer(
  status: number,
  error: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const json = { error: { code: status, ...error } };
  return { status, headers: new Headers(headers), text: JSON.stringify(json), json };
}
const key = 'AIzaSyFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE12';

describe('googleErrorFromResponse', () => {
  it('should treat 400 API_KEY_INVALID as a non-retryable auth failure', () => {
    const error = googleErrorFromResponse(
      'google',
      key,
      answer(400, {
        status: 'INVALID_ARGUMENT',
        message: 'API key not valid. Please pass a valid API key.',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
        ],
      }),
      'submit',
    );
    expect(error).toMatchObject({
      code: 'provider_auth_failed',
      isRetryable: false,
      statusCode: 400,
    });
  });

  it('should map 401 and 403 PERMISSION_DENIED to auth failures', () => {
    expect(
      googleErrorFromResponse(
        'google',
        key,
        answer(401, {
          status: 'UNAUTHENTICATED',
          message: 'Request had invalid authentication credentials.',
        }),
        'submit',
      ).code,
    ).toBe('provider_auth_failed');
    expect(
      googleErrorFromResponse(
        'google',
        key,
        answer(403, {
          status: 'PERMISSION_DENIED',
          message: 'Your API key was reported as leaked.',
        }),
        'submit',
      ).code,
    ).toBe('provider_auth_failed');
  });

  it('should map depleted prepayment credits and BILLING_DISABLED to exhausted credit', () => {
    const depleted = googleErrorFromResponse(
      'google',
      key,
      answer(429, {
        status: 'RESOURCE_EXHAUSTED',
        message:
          'Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing.',
      }),
      'submit',
    );
    expect(depleted).toMatchObject({ code: 'provider_insufficient_credits', isRetryable: true });
    const disabled = googleErrorFromResponse(
      'google',
      key,
      answer(403, {
        status: 'PERMISSION_DENIED',
        message: 'This API method requires billing to be enabled.',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'BILLING_DISABLED' },
        ],
      }),
      'submit',
    );
    expect(disabled.code).toBe('provider_insufficient_credits');
  });

  it('should map other RESOURCE_EXHAUSTED answers to a rate limit waiting per RetryInfo or Retry-After', () => {
    const fromBody = googleErrorFromResponse(
      'google',
      key,
      answer(429, {
        status: 'RESOURCE_EXHAUSTED',
        message: 'You exceeded your current quota',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '44s' }],
      }),
      'submit',
    );
    expect(fromBody).toMatchObject({
      code: 'provider_rate_limited',
      retryAfterMs: 44_000,
      isRetryable: true,
    });
    const fromHeader = googleErrorFromResponse(
      'google',
      key,
      answer(
        429,
        {
          status: 'RESOURCE_EXHAUSTED',
          message: 'Resource has been exhausted (e.g. check quota).',
        },
        { 'retry-after': '3' },
      ),
      'submit',
    );
    expect(fromHeader.retryAfterMs).toBe(3000);
  });

  it('should map a 404 on submit to provider_model_unavailable and 400 and 5xx by status', () => {
    expect(
      googleErrorFromResponse(
        'google',
        key,
        answer(404, {
          status: 'NOT_FOUND',
          message: 'models/veo-3.0-fast-generate-001 is not found for API version v1beta',
        }),
        'submit',
      ),
    ).toMatchObject({ code: 'provider_model_unavailable', isRetryable: true });
    expect(
      googleErrorFromResponse(
        'google',
        key,
        answer(400, {
          status: 'INVALID_ARGUMENT',
          message: 'Request contains an invalid argument.',
        }),
        'submit',
      ),
    ).toMatchObject({ code: 'provider_invalid_request', isRetryable: false });
    expect(
      googleErrorFromResponse(
        'google',
        key,
        answer(503, { status: 'UNAVAILABLE', message: 'The model is overloaded.' }),
        'status',
      ),
    ).toMatchObject({ code: 'provider_unavailable', isRetryable: true });
  });

  it('should never carry the key in message or body', () => {
    const error = googleErrorFromResponse(
      'google',
      key,
      answer(400, { status: 'INVALID_ARGUMENT', message: `API key not valid: ${key}` }),
      'submit',
    );
    expect(`${error.message} ${error.responseBody}`).not.toContain('FAKEFAKE');
  });
});

describe('helpers', () => {
  it('should parse RetryInfo delays', () => {
    expect(parseRetryDelay('7s')).toBe(7000);
    expect(parseRetryDelay('21599.96s')).toBe(21_599_960);
    expect(parseRetryDelay('soon')).toBeUndefined();
  });

  it('should redact Google-shaped keys', () => {
    expect(redactGoogleSecrets(`x AIzaSyAnotherKeyAnotherKeyAnotherKey00 y`, 'other-key')).toBe(
      'x AIza[redacted] y',
    );
  });
});
