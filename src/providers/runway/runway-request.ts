import { ProviderError } from '../../core/errors/index.js';
import type { JsonValue, ProviderRequest } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import { runwayRatios } from './runway-models.js';

/** One task-creating call: the endpoint, its JSON body, and what Runway will do differently. */
export interface RunwayTaskRequest {
  path: '/v1/image_to_video' | '/v1/text_to_video' | '/v1/text_to_image';
  body: Record<string, JsonValue>;
  warnings: Warning[];
}

// Limits from Runway's API reference: promptText ≤ 1000 UTF-16 code units, seed a uint32,
// at most three gen4_image reference images.
const maxPromptLength = 1000;
const maxSeed = 4_294_967_295;
const maxReferenceImages = 3;

/**
 * Maps a request to a Runway task. Videos with a first frame go to `image_to_video`
 * (`promptImage`), without one to `text_to_video` (for models an operator adds; gen4_turbo needs
 * an image); images go to `text_to_image`, input images becoming `referenceImages`. `images` are
 * the input images as HTTPS URLs or data URIs, in order.
 * @throws ProviderError `provider_invalid_request` (retryable: another provider may take it)
 *   when the request does not fit Runway's fields.
 */
export function buildRunwayRequest(
  providerId: string,
  request: ProviderRequest,
  images: readonly string[],
): RunwayTaskRequest {
  const model = request.offering.providerModelId;
  const fail = (what: string) =>
    new ProviderError({
      providerId,
      code: 'provider_invalid_request',
      isRetryable: true,
      message: `Runway ${model} cannot take ${what}.`,
    });
  if (request.prompt.length > maxPromptLength)
    throw fail(`a prompt longer than ${maxPromptLength} characters`);
  if (request.seed !== undefined && (request.seed < 0 || request.seed > maxSeed))
    throw fail(`seed ${request.seed} (0–${maxSeed})`);
  const warnings: Warning[] = [];
  const ratio = ratioFor(request, warnings, fail);
  const body: Record<string, JsonValue> = { model, promptText: request.prompt, ratio };
  if (request.seed !== undefined) body.seed = request.seed;

  if (request.kind === 'video') {
    if (images.length > 1) throw fail(`${images.length} input images (only a first frame)`);
    if (request.duration !== undefined) body.duration = request.duration;
    if (images[0] === undefined) return { path: '/v1/text_to_video', body, warnings };
    body.promptImage = images[0];
    return { path: '/v1/image_to_video', body, warnings };
  }
  if (images.length > maxReferenceImages)
    throw fail(`${images.length} reference images (at most ${maxReferenceImages})`);
  if (images.length) body.referenceImages = images.map((uri) => ({ uri }));
  return { path: '/v1/text_to_image', body, warnings };
}

/**
 * Runway's `ratio` (an output size such as `1280:720`): the requested width/height when given,
 * else the model's size for the requested aspect ratio, else its landscape default.
 */
function ratioFor(
  request: ProviderRequest,
  warnings: Warning[],
  fail: (what: string) => ProviderError,
): string {
  const table: Readonly<Record<string, string>> | undefined =
    runwayRatios[request.offering.providerModelId as keyof typeof runwayRatios];
  const { width, height, aspectRatio } = request;
  if (width !== undefined && height !== undefined) {
    if (aspectRatio !== undefined && !sameShape(aspectRatio, width / height)) {
      warnings.push({
        code: 'unsupported_parameter',
        parameter: 'aspect_ratio',
        message: `aspect_ratio ${aspectRatio} contradicts ${width}x${height}; the size was used.`,
      });
    }
    return `${width}:${height}`;
  }
  if (aspectRatio !== undefined) {
    const ratio = table?.[aspectRatio];
    if (!ratio) throw fail(`aspect ratio ${aspectRatio}`);
    return ratio;
  }
  return table?.['16:9'] ?? (request.kind === 'video' ? '1280:720' : '1920:1080');
}

/** Whether `w:h` and a numeric width/height ratio describe the same shape (Runway sizes are approximate). */
function sameShape(aspectRatio: string, value: number): boolean {
  const [width, height] = aspectRatio.split(':').map(Number) as [number, number];
  return Math.abs(width / height - value) / value < 0.05;
}
