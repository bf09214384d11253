import { describe, expect, it } from 'vitest';
import {
  kieaiErrorFromResponse,
  kieaiGenerationFailure,
  unwrapKieaiEnvelope,
} from './kieai-errors.js';

const response = (status: number, json: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  text: JSON.stringify(json),
  json,
});

describe('Kie.ai error mapping', () => {
  it('should read the envelope code of a 2xx answer (credits, auth, validation, limits)', () => {
    const cases: [number, string, boolean][] = [
      [402, 'provider_insufficient_credits', true],
      [401, 'provider_auth_failed', false],
      [422, 'provider_invalid_request', false],
      [429, 'provider_rate_limited', true],
      [455, 'provider_unavailable', true],
      [500, 'provider_unavailable', true],
      [505, 'provider_unavailable', true],
    ];
    for (const [code, expected, retryable] of cases) {
      const error = (() => {
        try {
          unwrapKieaiEnvelope('kieai', response(200, { code, msg: 'x', data: null }));
        } catch (thrown) {
          return thrown as { code: string; isRetryable: boolean };
        }
        throw new Error('expected a throw');
      })();
      expect([code, error.code, error.isRetryable]).toEqual([code, expected, retryable]);
    }
  });

  it('should prefer the body code over the HTTP status, and fall back to the status', () => {
    expect(
      kieaiErrorFromResponse('kieai', response(402, { code: 402, msg: 'credits insufficient' }))
        .code,
    ).toBe('provider_insufficient_credits');
    expect(
      kieaiErrorFromResponse('kieai', response(400, { code: 402, msg: 'credits insufficient' }))
        .code,
    ).toBe('provider_insufficient_credits');
    expect(kieaiErrorFromResponse('kieai', response(503, 'gateway down')).code).toBe(
      'provider_unavailable',
    );
    const limited = kieaiErrorFromResponse(
      'kieai',
      response(429, { code: 429, msg: 'slow' }, { 'retry-after': '7' }),
    );
    expect(limited.retryAfterMs).toBe(7000);
  });

  it('should return data of code 200 and reject a body without an envelope', () => {
    expect(
      unwrapKieaiEnvelope(
        'kieai',
        response(200, { code: 200, msg: 'success', data: { taskId: 't' } }),
      ),
    ).toEqual({ taskId: 't' });
    expect(() => unwrapKieaiEnvelope('kieai', response(200, { taskId: 't' }))).toThrow(/envelope/);
  });

  it('should classify generation failures', () => {
    expect(
      kieaiGenerationFailure(
        400,
        'Your prompt was flagged by Website as violating content policies',
      ),
    ).toMatchObject({ code: 'provider_content_rejected', isRetryable: false });
    expect(kieaiGenerationFailure('400', 'Incorrect image format.')).toMatchObject({
      code: 'provider_invalid_request',
      isRetryable: false,
    });
    expect(kieaiGenerationFailure(422, 'Your request was rejected by Flow')).toMatchObject({
      code: 'provider_generation_failed',
      isRetryable: true,
    });
    expect(kieaiGenerationFailure(undefined, undefined)).toMatchObject({
      code: 'provider_generation_failed',
      isRetryable: true,
    });
  });
});
