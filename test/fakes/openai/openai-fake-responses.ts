import type { FakeResponse, FakeScenario } from '../fake-http-server.js';

/** OpenAI's error envelope. */
export function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
  headers: Record<string, string> = {},
): FakeResponse {
  return { status, headers, json: { error: { message, type, param, code } } };
}

/** The bodies OpenAI really answers with for each scenario (see src/providers/openai/README.md). */
export const openaiScenarioResponses: Record<Exclude<FakeScenario, 'ok'>, FakeResponse> = {
  auth_error: openaiError(
    401,
    'Incorrect API key provided: sk-test-*********wxyz. You can find your API key at https://platform.openai.com/account/api-keys.',
    'invalid_request_error',
    'invalid_api_key',
  ),
  insufficient_credits: openaiError(
    429,
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    'insufficient_quota',
    'insufficient_quota',
  ),
  rate_limited: openaiError(
    429,
    'Rate limit reached for gpt-image-1 in organization org-fake on images per minute: Limit 5, Used 5, Requested 1. Please try again in 7s.',
    'requests',
    'rate_limit_exceeded',
    null,
    { 'retry-after': '7' },
  ),
  server_error: openaiError(
    500,
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
    null,
  ),
  malformed_json: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"created": 1700000000, "data": [{"b64_json": "iVBOR',
  },
  hang: { hang: true },
  invalid_request: openaiError(
    400,
    "Invalid value: 'tiny'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.",
    'invalid_request_error',
    'invalid_value',
    'size',
  ),
};

/** The image models the fake serves (every image model of the catalog) and their sizes. */
export const imageSizes: Record<string, string[]> = {
  'gpt-image-2': ['1024x1024', '1536x1024', '1024x1536', 'auto'],
};
/**
 * The video models an OpenAI-compatible relay still serves. OpenAI itself serves none since
 * it shut the Videos API down on 2026-09-24; the fake serves them only when started as a relay.
 */
export const relayVideoModels: readonly string[] = ['sora-2', 'sora-2-pro'];
/**
 * Models OpenAI removed from the API (its deprecations page): refused as `model_not_found`
 * with the "has been deprecated" message OpenAI gave for DALL·E. That OpenAI answers Sora and
 * the gpt-image-1 family the same way is unconfirmed (modelled on the DALL·E answer).
 */
export const retiredModels: readonly string[] = [
  'dall-e-2',
  'dall-e-3',
  'gpt-image-1',
  'gpt-image-1-mini',
  'gpt-image-1.5',
  'sora-2',
  'sora-2-pro',
];
/** Output tokens a GPT image model bills per image (OpenAI's published gpt-image-1 table). */
export const outputTokens: Record<string, Record<string, number>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1056, '1024x1536': 1584, '1536x1024': 1568 },
  high: { '1024x1024': 4160, '1024x1536': 6240, '1536x1024': 6208 },
};
export const videoSizes = ['720x1280', '1280x720', '1024x1792', '1792x1024'];
