import type { FakeResponse, FakeScenario } from '../fake-http-server.js';

// Runware's answers for the shared fake scenarios, and its documented task checks. Error
// bodies follow runware.ai/docs/platform/errors; codes come from the official SDK's list.

type Json = Record<string, unknown>;

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The answer a scenario gives a generation submission, or undefined for `ok`. */
export function runwareScenarioResponse(
  scenario: FakeScenario,
  task: Json,
): FakeResponse | undefined {
  const scope = { taskType: task.taskType, taskUUID: task.taskUUID };
  switch (scenario) {
    case 'ok':
      return undefined;
    case 'auth_error':
      return runwareErrors(401, {
        code: 'invalidApiKey',
        message: 'Invalid API key. Get one at https://my.runware.ai/signup',
        parameter: 'apiKey',
        taskType: 'authentication',
      });
    case 'insufficient_credits':
      // 402 is Runware's documented "balance insufficient"; the code is from the official
      // SDK's error list, the message is ours.
      return runwareErrors(402, {
        code: 'insufficientCredits',
        message: 'Insufficient credits. Add funds at https://my.runware.ai/wallet to continue.',
        ...scope,
      });
    case 'rate_limited':
      return {
        ...runwareErrors(429, {
          code: 'rateLimitExceeded',
          message: 'Queue capacity exceeded.',
          ...scope,
        }),
        headers: { 'retry-after': '7' },
      };
    case 'server_error':
      return runwareErrors(500, {
        code: 'internalServerError',
        message: 'Internal server error.',
        ...scope,
      });
    case 'malformed_json':
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"data":[{"taskType":"videoInference","taskUUID":',
      };
    case 'hang':
      return { hang: true };
    case 'invalid_request':
      return runwareErrors(400, {
        code: 'invalidWidth',
        message: 'Invalid value for width parameter. Width must be a multiple of 64.',
        parameter: 'width',
        min: 128,
        max: 2048,
        multiplier: 64,
        documentation: 'https://runware.ai/docs/image-inference/api-reference#request-width',
        ...scope,
      });
  }
}

/** Runware's error envelope with one error. */
export function runwareErrors(status: number, error: Json): FakeResponse {
  return { status, json: { errors: [error] } };
}

/**
 * The AIR ids the fake serves: every model of the built-in catalog. Runware refuses any other
 * id (an unknown or withdrawn model) on the `model` parameter, so the fake does too.
 */
export const runwareFakeModels: readonly string[] = [
  'runware:100@1',
  'runware:101@1',
  'bytedance:2@2',
  'alibaba:wan@2.6-flash',
  'klingai:6@0',
  'google:3@3',
];

/** The checks Runware documents for every generation task; an error item when one fails. */
export function validateRunwareTask(task: Json): Json | undefined {
  const scope = { taskType: task.taskType, taskUUID: task.taskUUID };
  if (typeof task.taskUUID !== 'string' || !uuidV4.test(task.taskUUID)) {
    return { code: 'invalidTaskUUID', message: 'taskUUID must be a UUID v4.', ...scope };
  }
  if (typeof task.model !== 'string') {
    return { code: 'missingModel', message: 'Missing model.', parameter: 'model', ...scope };
  }
  if (!runwareFakeModels.includes(task.model)) {
    // The message is Runware's own, as users quote it for an id Runware does not serve
    // (Runware/ComfyUI-Runware#3; an integration probing retired ids saw the same text). The
    // code is unconfirmed, modelled on the documented `invalidWidth` item ("Invalid value for
    // 'width' parameter…", code `invalid` + parameter, with `type` and `documentation`).
    return {
      code: 'invalidModel',
      message:
        "Invalid value for 'model' parameter. Model must be an string value representing a valid AIR identifier.",
      parameter: 'model',
      type: 'string',
      documentation: 'https://runware.ai/docs/en/image-inference/api-reference#request-model',
      ...scope,
    };
  }
  if (task.taskType === 'videoInference' && task.deliveryMethod !== 'async') {
    return {
      code: 'invalidDeliveryMethod',
      message: 'Video inference only supports async delivery.',
      parameter: 'deliveryMethod',
      ...scope,
    };
  }
  const inputs = task.inputs as Json | undefined;
  const frames = inputs?.frameImages as Json[] | undefined;
  const frame = frames?.[0]?.image;
  if (typeof frame === 'string' && frame.startsWith('data:')) {
    return {
      code: 'invalidFrameImage',
      message: 'invalid image_url: frame images must be public URLs.',
      parameter: 'inputs.frameImages',
      ...scope,
    };
  }
  return undefined;
}
