import type { ProviderRequest } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import { falFluxImageSizePresets } from './fal-models.js';

/** JSON body sent to a fal endpoint, plus what fal will do differently from the request. */
export interface FalInput {
  input: Record<string, unknown>;
  warnings: Warning[];
}

function reduceRatio(width: number, height: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const divisor = gcd(width, height);
  return `${width / divisor}:${height / divisor}`;
}

/**
 * Maps a validated request to a fal model input. Images use FLUX's schema (`image_size`,
 * `num_images`, `seed`); videos use Kling's (`image_url`, `duration` as a string,
 * `negative_prompt`). Operator-added fal models of the same families reuse these mappings.
 *
 * @param imageUrls URLs (or data URIs) for `request.inputImages`, in order.
 */
export function buildFalRequest(request: ProviderRequest, imageUrls: readonly string[]): FalInput {
  const warnings: Warning[] = [];
  const input: Record<string, unknown> = { prompt: request.prompt };
  if (request.kind === 'image') {
    if (request.width !== undefined && request.height !== undefined) {
      input.image_size = { width: request.width, height: request.height };
      if (
        request.aspectRatio &&
        reduceRatio(request.width, request.height) !== request.aspectRatio
      ) {
        warnings.push({
          code: 'parameter_ignored',
          parameter: 'aspect_ratio',
          message: `fal renders the requested ${request.width}x${request.height}; aspect ratio ${request.aspectRatio} is not applied on top of an explicit size.`,
        });
      }
    } else if (request.aspectRatio) {
      // Capabilities only admit ratios that have a preset, so the lookup always hits.
      input.image_size = falFluxImageSizePresets[request.aspectRatio];
    }
    input.num_images = request.n;
    if (request.seed !== undefined) input.seed = request.seed;
    return { input, warnings };
  }
  if (imageUrls[0] !== undefined) input.image_url = imageUrls[0];
  if (imageUrls.length > 1) {
    warnings.push({
      code: 'parameter_ignored',
      parameter: 'input_images',
      message: `fal's video models take one start image; ${imageUrls.length - 1} further image(s) were not sent.`,
    });
  }
  if (request.duration !== undefined) input.duration = String(request.duration);
  if (request.negativePrompt !== undefined) input.negative_prompt = request.negativePrompt;
  if (request.aspectRatio && request.task === 'text-to-video')
    input.aspect_ratio = request.aspectRatio;
  if (request.seed !== undefined) input.seed = request.seed;
  return { input, warnings };
}
