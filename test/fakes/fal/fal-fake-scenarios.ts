import type { FakeResponse, FakeScenario } from '../fake-http-server.js';

/**
 * The endpoint ids the fake's queue serves: every model of the built-in catalog. fal answers a
 * submit to any other endpoint (removed, renamed, never existed) with a 404, and so does the
 * fake (the `detail` text is unconfirmed, modelled on fal's `{"detail": "<text>"}` error shape;
 * the adapter reads the status only).
 */
export const falFakeEndpoints: readonly string[] = [
  'fal-ai/flux/dev',
  'fal-ai/flux/schnell',
  'fal-ai/kling-video/v2.5-turbo/standard/image-to-video',
];

/**
 * fal's answers to a queue submit in each failure scenario, with fal's real error bodies
 * (`detail` string or pydantic list; the exhausted-balance 403 as users report it).
 * Undefined for `ok`.
 */
export function falScenarioResponse(scenario: FakeScenario): FakeResponse | undefined {
  switch (scenario) {
    case 'auth_error':
      return { status: 401, json: { detail: 'Unauthorized' } };
    case 'insufficient_credits':
      return {
        status: 403,
        json: {
          detail:
            'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.',
        },
      };
    case 'rate_limited':
      return {
        status: 429,
        headers: { 'retry-after': '7' },
        json: { detail: 'Too many concurrent requests.' },
      };
    case 'server_error':
      return { status: 500, json: { detail: 'Internal Server Error' } };
    case 'malformed_json':
      return { headers: { 'content-type': 'application/json' }, body: '{"request_id": "broken' };
    case 'hang':
      return { hang: true };
    case 'invalid_request':
      return {
        status: 422,
        json: {
          detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }],
        },
      };
    case 'ok':
      return undefined;
  }
}
