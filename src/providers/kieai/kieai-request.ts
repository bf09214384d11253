import type { ProviderRequest } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import type { KieaiFamily } from './kieai-models.js';

/** One generate call: path, JSON body and what Kie.ai will do differently from the request. */
export interface KieaiGenerateCall {
  path: string;
  body: Record<string, unknown>;
  warnings: Warning[];
}

/**
 * Maps a validated request to Kie.ai's generate body. Veo 3.1: `model`, `generationType`
 * (`TEXT_2_VIDEO` or `FIRST_AND_LAST_FRAMES_2_VIDEO`: one image to animate, or first + last
 * frame), `imageUrls`, `aspectRatio`, `seeds`. Runway: `imageUrl`, `duration`, `quality`,
 * `aspectRatio` (required for text-only), `waterMark: ''` (none).
 *
 * @param imageUrls public URLs of `request.inputImages`, in order.
 * @param callbackUrl set only when callbacks are both possible and verifiable.
 */
export function buildKieaiRequest(
  request: ProviderRequest,
  family: KieaiFamily,
  imageUrls: readonly string[],
  callbackUrl: string | undefined,
): KieaiGenerateCall {
  const warnings: Warning[] = [];
  const aspectRatio = request.aspectRatio ?? '16:9';
  if (family === 'veo') {
    const images = imageUrls.slice(0, 2);
    if (imageUrls.length > 2) {
      warnings.push({
        code: 'parameter_ignored',
        parameter: 'input_images',
        message: `Veo on Kie.ai takes a first and a last frame; ${imageUrls.length - 2} further image(s) were not sent.`,
      });
    }
    // Kie translates non-English prompts to English (Veo expects English); say so when it applies.
    if (/[^\x00-\x7F]/.test(request.prompt)) {
      warnings.push({
        code: 'parameter_adjusted',
        parameter: 'prompt',
        message: 'Kie.ai translates non-English prompts to English before generating.',
      });
    }
    const body: Record<string, unknown> = {
      prompt: request.prompt,
      model: request.offering.providerModelId,
      generationType: images.length ? 'FIRST_AND_LAST_FRAMES_2_VIDEO' : 'TEXT_2_VIDEO',
      aspectRatio,
      enableTranslation: true,
    };
    if (images.length) body.imageUrls = images;
    if (request.seed !== undefined) body.seeds = request.seed;
    if (callbackUrl) body.callBackUrl = callbackUrl;
    return { path: '/api/v1/veo/generate', body, warnings };
  }
  if (imageUrls.length > 1) {
    warnings.push({
      code: 'parameter_ignored',
      parameter: 'input_images',
      message: `Runway on Kie.ai takes one image; ${imageUrls.length - 1} further image(s) were not sent.`,
    });
  }
  const body: Record<string, unknown> = {
    prompt: request.prompt,
    model: request.offering.providerModelId,
    duration: request.duration ?? 5,
    quality: request.resolution ?? '720p',
    aspectRatio,
    waterMark: '',
  };
  if (imageUrls[0] !== undefined) body.imageUrl = imageUrls[0];
  if (callbackUrl) body.callBackUrl = callbackUrl;
  return { path: '/api/v1/runway/generate', body, warnings };
}
