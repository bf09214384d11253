import { z } from 'zod';
import { ProviderError } from '../../core/errors/index.js';
import type { JsonValue, ProviderRequest } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import { aimlapiImageSizePresets, aimlapiWireModel } from './aimlapi-models.js';
import { imageReference, isHttpUrl } from '../kernel/image-reference.js';

/** What the adapter stores per attempt. Images finish in the submit call, so their result is
 * kept (URLs only; inline base64 is counted, not stored) in case the engine polls after all. */
export const AimlapiOperationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    urls: z.array(z.string()),
    inlineOutputs: z.number().int().nonnegative(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    costUsd: z.number().nonnegative().optional(),
  }),
  z.object({
    kind: z.literal('video'),
    generationId: z.string().min(1),
    durationSeconds: z.number().positive().optional(),
  }),
]);
export type AimlapiOperation = z.infer<typeof AimlapiOperationSchema>;

/** A request body plus what the client should be told. */
export interface AimlapiBody {
  body: Record<string, JsonValue>;
  warnings: Warning[];
}

/** `POST /v1/images/generations` for FLUX-style models (fal-style fields). */
export function buildAimlapiImageRequest(
  providerId: string,
  request: ProviderRequest,
): AimlapiBody {
  const warnings: Warning[] = [];
  const body: Record<string, JsonValue> = {
    model: aimlapiWireModel(request.offering.providerModelId, request.task),
    prompt: request.prompt,
    num_images: request.n,
  };
  if (request.width !== undefined && request.height !== undefined) {
    body.image_size = { width: request.width, height: request.height };
  } else {
    // Without a size AIMLAPI picks landscape 4:3; the gateway's default is square.
    body.image_size = aimlapiImageSizePresets[request.aspectRatio ?? '1:1'] ?? 'square_hd';
  }
  if (request.seed !== undefined) {
    if (request.seed < 1) {
      throw new ProviderError({
        providerId,
        code: 'provider_invalid_request',
        isRetryable: true,
        message: `${providerId} accepts seeds from 1; seed ${request.seed} cannot be sent.`,
      });
    }
    body.seed = request.seed;
  }
  if (request.quality) warnings.push(qualityIgnored(request));
  return { body, warnings };
}

/** `POST /v2/video/generations` for Kling-style models. */
export async function buildAimlapiVideoRequest(request: ProviderRequest): Promise<AimlapiBody> {
  const warnings: Warning[] = [];
  const body: Record<string, JsonValue> = {
    model: aimlapiWireModel(request.offering.providerModelId, request.task),
    prompt: request.prompt,
  };
  if (request.duration !== undefined) body.duration = request.duration;
  if (request.negativePrompt !== undefined) body.negative_prompt = request.negativePrompt;
  const first = request.inputImages[0];
  if (request.task === 'image-to-video' && first) {
    // `image_url` takes "a direct link to an online image or a Base64-encoded local image".
    body.image_url = await imageReference(first, { canFetch: isHttpUrl });
    if (request.aspectRatio) {
      warnings.push({
        code: 'parameter_adjusted',
        parameter: 'aspect_ratio',
        message: `${request.offering.modelKey} on AIMLAPI takes its aspect ratio from the input image.`,
      });
    }
    if (request.inputImages.length > 1) {
      warnings.push({
        code: 'unsupported_parameter',
        parameter: 'input_images',
        message: `${request.offering.modelKey} on AIMLAPI takes one input image; only the first was used.`,
      });
    }
  } else if (request.aspectRatio) {
    body.aspect_ratio = request.aspectRatio;
  }
  if (request.quality) warnings.push(qualityIgnored(request));
  return { body, warnings };
}

function qualityIgnored(request: ProviderRequest): Warning {
  return {
    code: 'unsupported_parameter',
    parameter: 'quality',
    message: `${request.offering.modelKey} on AIMLAPI has no quality setting; '${request.quality}' was not applied.`,
  };
}
