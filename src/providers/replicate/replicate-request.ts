import { ProviderError } from '../../core/errors/index.js';
import type { JsonValue, ProviderRequest } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import { fluxAspectRatioSizes, replicateModelIds } from './replicate-models.js';

/** A prediction's `input` plus what the model will do differently from the request. */
export interface ReplicateInput {
  input: Record<string, JsonValue>;
  warnings: Warning[];
}

/** `owner/name` of a model reference that may carry a `:version` suffix. */
export function replicateModelName(providerModelId: string): string {
  return providerModelId.split(':', 1)[0]!;
}

/**
 * Maps a request to the `input` of one Replicate model. Field names differ per model (Haiper's
 * `frame_image_url`, Kling's `start_image`, Veo's `image`, FLUX's `megapixels`), so each built-in
 * model has its own mapping; models an operator adds in config get a generic one. `images` are
 * the request's input images as URLs or data URIs, in order.
 * @throws ProviderError `provider_invalid_request` (retryable: another provider may take it)
 *   when the request cannot be expressed in this model's fields.
 */
export function buildReplicateRequest(
  providerId: string,
  request: ProviderRequest,
  images: readonly string[],
): ReplicateInput {
  const model = replicateModelName(request.offering.providerModelId);
  const context = { providerId, model, request, images, warnings: [] as Warning[] };
  const input = buildersByModel[model]?.(context) ?? genericInput(context);
  return { input, warnings: context.warnings };
}

interface BuildContext {
  providerId: string;
  model: string;
  request: ProviderRequest;
  images: readonly string[];
  warnings: Warning[];
}

type InputBuilder = (context: BuildContext) => Record<string, JsonValue>;

const buildersByModel: Record<string, InputBuilder> = {
  [replicateModelIds.fluxSchnell]: fluxSchnellInput,
  [replicateModelIds.haiper]: haiperInput,
  [replicateModelIds.kling]: klingInput,
};

function fluxSchnellInput({
  providerId,
  model,
  request,
  warnings,
}: BuildContext): Record<string, JsonValue> {
  // PNG keeps outputs lossless and matches what OpenAI-style clients expect (Replicate's default is webp).
  const input: Record<string, JsonValue> = {
    prompt: request.prompt,
    num_outputs: request.n,
    output_format: 'png',
  };
  let aspectRatio = request.aspectRatio;
  let megapixels = '1';
  if (request.width !== undefined && request.height !== undefined) {
    const match = fluxSizeFor(request.width, request.height);
    if (!match) throw cannotExpress(providerId, model, `size ${request.width}x${request.height}`);
    if (aspectRatio !== undefined && aspectRatio !== match.aspectRatio) {
      warnings.push(
        ignored(
          'aspect_ratio',
          `aspect_ratio ${aspectRatio} contradicts ${request.width}x${request.height}; the size (${match.aspectRatio}) was used.`,
        ),
      );
    }
    aspectRatio = match.aspectRatio;
    megapixels = match.megapixels;
  }
  if (aspectRatio !== undefined) input.aspect_ratio = aspectRatio;
  input.megapixels = megapixels;
  if (request.seed !== undefined) {
    input.seed = request.seed;
    // The fp8 "go fast" path is not deterministic even with a seed; bf16 honours it.
    input.go_fast = false;
  }
  return input;
}

function haiperInput({
  providerId,
  model,
  request,
  images,
}: BuildContext): Record<string, JsonValue> {
  atMostImages(providerId, model, images, 1);
  // The prompt enhancer rewrites the prompt; the gateway sends what the client wrote.
  const input: Record<string, JsonValue> = {
    prompt: request.prompt,
    duration: requireDuration(request),
    use_prompt_enhancer: false,
  };
  if (request.aspectRatio !== undefined) input.aspect_ratio = request.aspectRatio;
  if (images[0] !== undefined) input.frame_image_url = images[0];
  return input;
}

function klingInput({
  providerId,
  model,
  request,
  images,
  warnings,
}: BuildContext): Record<string, JsonValue> {
  atMostImages(providerId, model, images, 2);
  if (images[0] === undefined)
    throw cannotExpress(providerId, model, 'a request without a start image');
  const input: Record<string, JsonValue> = {
    prompt: request.prompt,
    duration: requireDuration(request),
    start_image: images[0],
  };
  if (images[1] !== undefined) input.end_image = images[1];
  if (request.negativePrompt !== undefined) input.negative_prompt = request.negativePrompt;
  if (request.aspectRatio !== undefined) {
    warnings.push(
      ignored(
        'aspect_ratio',
        `${model} takes the aspect ratio from the start image; aspect_ratio ${request.aspectRatio} was not applied.`,
      ),
    );
  }
  return input;
}

/** Common Replicate field names, for models an operator adds in config. */
function genericInput({ request, images }: BuildContext): Record<string, JsonValue> {
  const input: Record<string, JsonValue> = { prompt: request.prompt };
  if (request.negativePrompt !== undefined) input.negative_prompt = request.negativePrompt;
  if (request.seed !== undefined) input.seed = request.seed;
  if (request.aspectRatio !== undefined) input.aspect_ratio = request.aspectRatio;
  if (
    request.width !== undefined &&
    request.height !== undefined &&
    request.aspectRatio === undefined
  ) {
    input.width = request.width;
    input.height = request.height;
  }
  if (request.kind === 'video' && request.duration !== undefined) input.duration = request.duration;
  if (request.kind === 'image' && request.n > 1) input.num_outputs = request.n;
  if (images[0] !== undefined) input.image = images[0];
  return input;
}

/** The `aspect_ratio` and `megapixels` that produce exactly this FLUX size, if any. */
export function fluxSizeFor(
  width: number,
  height: number,
): { aspectRatio: string; megapixels: '1' | '0.25' } | undefined {
  for (const [aspectRatio, [fullWidth, fullHeight]] of Object.entries(fluxAspectRatioSizes)) {
    if (width === fullWidth && height === fullHeight) return { aspectRatio, megapixels: '1' };
    if (width === fullWidth / 2 && height === fullHeight / 2)
      return { aspectRatio, megapixels: '0.25' };
  }
  return undefined;
}

function requireDuration(request: ProviderRequest): number {
  // The router fills in the model's default duration, so a missing one is a catalog mistake.
  return request.duration ?? request.offering.capabilities.defaultDuration ?? 5;
}

function atMostImages(
  providerId: string,
  model: string,
  images: readonly string[],
  max: number,
): void {
  if (images.length > max)
    throw cannotExpress(providerId, model, `${images.length} input images (at most ${max})`);
}

function ignored(parameter: string, message: string): Warning {
  return { code: 'unsupported_parameter', parameter, message };
}

function cannotExpress(providerId: string, model: string, what: string): ProviderError {
  return new ProviderError({
    providerId,
    code: 'provider_invalid_request',
    message: `Replicate model ${model} cannot take ${what}.`,
    isRetryable: true,
  });
}
