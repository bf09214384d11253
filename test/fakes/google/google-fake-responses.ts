import type { FakeResponse, FakeScenario } from '../fake-http-server.js';

/** Google's RPC error envelope. */
export function googleError(
  code: number,
  status: string,
  message: string,
  details: unknown[] = [],
  headers: Record<string, string> = {},
): FakeResponse {
  return {
    status: code,
    headers,
    json: { error: { code, message, status, ...(details.length ? { details } : {}) } },
  };
}

const errorInfo = (reason: string) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'generativelanguage.googleapis.com' },
});

/** What the Gemini API really answers for each scenario (see src/providers/google/README.md). */
export const googleScenarioResponses: Record<Exclude<FakeScenario, 'ok'>, FakeResponse> = {
  // Google answers a wrong API key with 400 INVALID_ARGUMENT + ErrorInfo API_KEY_INVALID.
  auth_error: googleError(
    400,
    'INVALID_ARGUMENT',
    'API key not valid. Please pass a valid API key.',
    [errorInfo('API_KEY_INVALID')],
  ),
  insufficient_credits: googleError(
    429,
    'RESOURCE_EXHAUSTED',
    'Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing.',
  ),
  // Google states the wait in the body (RetryInfo), not in a Retry-After header.
  rate_limited: googleError(
    429,
    'RESOURCE_EXHAUSTED',
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_requests_per_model',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
            quotaValue: '10',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' },
    ],
  ),
  server_error: googleError(
    500,
    'INTERNAL',
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  ),
  malformed_json: {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: '{\n  "candidates": [\n    {\n      "content": {',
  },
  hang: { hang: true },
  invalid_request: googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'),
};

/**
 * The model ids the fake serves: every model of the built-in catalog. Any other id (a retired
 * `veo-3.0-*`, `veo-2.0-*` or `gemini-2.5-flash-image`, a typo) gets Google's 404 NOT_FOUND,
 * as the Gemini API answers.
 */
export const googleFakeModels: readonly string[] = [
  'gemini-3.1-flash-image',
  'veo-3.1-fast-generate-001',
];

/** Google's answer to a method called on a model it does not serve. */
export function googleModelNotFound(model: string, method: string): FakeResponse {
  return googleError(
    404,
    'NOT_FOUND',
    `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}
