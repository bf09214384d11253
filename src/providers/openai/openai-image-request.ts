import { ProviderError } from '../../core/errors/index.js';
import type { ImageInput, ProviderRequest, StatusResult } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import type { OpenAIImageUsage, OpenAIImagesResponse } from './openai-api-schemas.js';
import {
  dallE3QualityByTier,
  dallE3SizeByAspectRatio,
  gptImageQualityByTier,
  gptImageSizeByAspectRatio,
} from './openai-models.js';

/** One Images API call: JSON to `/images/generations`, or multipart to `/images/edits`. */
export type OpenAIImageCall = { size: string; warnings: Warning[] } & (
  | { path: '/images/generations'; json: Record<string, unknown> }
  | { path: '/images/edits'; form: FormData }
);

/** USD per token for GPT image models whose usage we can price exactly (OpenAI pricing). */
const gptImageTokenPrices: Record<
  string,
  { textInput: number; imageInput: number; output: number }
> = {
  'gpt-image-2': { textInput: 5 / 1e6, imageInput: 8 / 1e6, output: 30 / 1e6 },
};

const mimeByOutputFormat: Record<string, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

function isDallE(model: string): boolean {
  return model.startsWith('dall-e');
}

function ratioOf(size: string): number {
  const [width, height] = size.split('x').map(Number) as [number, number];
  return width / height;
}

/** The `size` to send, plus a warning when an explicit size overrides a contradicting ratio. */
function resolveSize(
  request: ProviderRequest,
  providerId: string,
): { size: string; warnings: Warning[] } {
  const table = isDallE(request.offering.providerModelId)
    ? dallE3SizeByAspectRatio
    : gptImageSizeByAspectRatio;
  const warnings: Warning[] = [];
  if (request.width !== undefined && request.height !== undefined) {
    const size = `${request.width}x${request.height}`;
    const ratioSize = request.aspectRatio ? table[request.aspectRatio] : undefined;
    if (
      request.aspectRatio &&
      (!ratioSize || Math.abs(ratioOf(ratioSize) - ratioOf(size)) > 0.01)
    ) {
      warnings.push({
        code: 'parameter_ignored',
        parameter: 'aspect_ratio',
        message: `aspect_ratio ${request.aspectRatio} contradicts size ${size}; the size was used.`,
      });
    }
    return { size, warnings };
  }
  if (request.aspectRatio) {
    const size = table[request.aspectRatio];
    if (!size) {
      throw new ProviderError({
        providerId,
        code: 'provider_invalid_request',
        message: `${request.offering.providerModelId} has no size for aspect ratio ${request.aspectRatio}.`,
        isRetryable: true,
      });
    }
    return { size, warnings };
  }
  // No size and no ratio: a square image, the one size every OpenAI image model shares.
  return { size: '1024x1024', warnings };
}

function resolveQuality(request: ProviderRequest, providerId: string): string {
  // No tier asked for means the gateway's default tier, `standard` (medium / standard).
  const tier = request.quality ?? 'standard';
  // The catalog declares each tier's OpenAI value (`qualitySettings`); the tables are the
  // fallback for operator-defined offerings that declare none.
  const quality =
    request.qualitySettings?.quality ??
    request.offering.qualitySettings?.[tier]?.quality ??
    (isDallE(request.offering.providerModelId)
      ? dallE3QualityByTier[tier]
      : gptImageQualityByTier[tier]);
  if (!quality) {
    throw new ProviderError({
      providerId,
      code: 'provider_invalid_request',
      message: `${request.offering.providerModelId} has no '${tier}' quality.`,
      isRetryable: true,
    });
  }
  return quality;
}

async function appendImage(
  form: FormData,
  field: string,
  image: ImageInput,
  name: string,
): Promise<void> {
  const { data, mimeType } = await image.read();
  const extension = mimeType.split('/')[1] ?? 'png';
  form.append(field, new Blob([new Uint8Array(data)], { type: mimeType }), `${name}.${extension}`);
}

/**
 * Maps a request to an Images API call. Text-to-image is JSON; image-to-image and inpaint go to
 * the edits endpoint as multipart with the input images (and mask) as files, read through the
 * gateway (OpenAI does not fetch URLs for edits).
 */
export async function buildOpenAIImageRequest(
  request: ProviderRequest,
  providerId: string,
): Promise<OpenAIImageCall> {
  const model = request.offering.providerModelId;
  const { size, warnings } = resolveSize(request, providerId);
  const quality = resolveQuality(request, providerId);
  if (request.task === 'text-to-image') {
    const json: Record<string, unknown> = {
      model,
      prompt: request.prompt,
      n: request.n,
      size,
      quality,
    };
    // GPT image models always answer base64; DALL·E must be asked, or it returns 60-minute URLs.
    if (isDallE(model)) json.response_format = 'b64_json';
    if (request.style !== undefined) json.style = request.style;
    if (request.user !== undefined) json.user = request.user;
    return { path: '/images/generations', json, size, warnings };
  }
  const form = new FormData();
  form.append('model', model);
  form.append('prompt', request.prompt);
  form.append('n', String(request.n));
  form.append('size', size);
  form.append('quality', quality);
  if (request.user !== undefined) form.append('user', request.user);
  // One image goes as `image`, several as `image[]` (how the official SDK encodes arrays).
  const field = request.inputImages.length > 1 ? 'image[]' : 'image';
  for (const [index, image] of request.inputImages.entries())
    await appendImage(form, field, image, `image-${index + 1}`);
  if (request.mask) await appendImage(form, 'mask', request.mask, 'mask');
  return { path: '/images/edits', form, size, warnings };
}

/** USD from a GPT image model's reported token usage, when its token prices are known. */
export function costFromImageUsage(
  model: string,
  usage: OpenAIImageUsage | null | undefined,
): number | undefined {
  const prices = gptImageTokenPrices[model];
  if (!prices || !usage || usage.output_tokens == null) return undefined;
  const inputTokens = usage.input_tokens ?? 0;
  const imageInput = usage.input_tokens_details?.image_tokens ?? 0;
  const textInput =
    usage.input_tokens_details?.text_tokens ?? Math.max(0, inputTokens - imageInput);
  const usd =
    textInput * prices.textInput +
    imageInput * prices.imageInput +
    usage.output_tokens * prices.output;
  return Math.round(usd * 1e6) / 1e6;
}

/** Turns an Images API answer into a completed status; an answer without images is unreadable. */
export function mapOpenAIImageResult(
  providerId: string,
  request: ProviderRequest,
  size: string,
  response: OpenAIImagesResponse,
): Extract<StatusResult, { status: 'completed' }> {
  const [width, height] = size.split('x').map(Number) as [number, number];
  const mimeType = mimeByOutputFormat[response.output_format ?? 'png'] ?? 'image/png';
  const outputs: Extract<StatusResult, { status: 'completed' }>['outputs'] = [];
  const warnings: Warning[] = [];
  for (const item of response.data) {
    if (item.b64_json)
      outputs.push({
        type: 'bytes',
        data: Buffer.from(item.b64_json, 'base64'),
        mimeType,
        width,
        height,
      });
    else if (item.url) outputs.push({ type: 'url', url: item.url, mimeType, width, height });
    if (item.revised_prompt && item.revised_prompt !== request.prompt) {
      warnings.push({
        code: 'prompt_revised',
        parameter: 'prompt',
        message: `The provider rewrote the prompt: ${item.revised_prompt.slice(0, 1000)}`,
      });
    }
  }
  if (outputs.length === 0) {
    throw new ProviderError({
      providerId,
      code: 'provider_bad_response',
      message: `${providerId} returned no images.`,
    });
  }
  const costUsd = costFromImageUsage(request.offering.providerModelId, response.usage);
  return {
    status: 'completed',
    outputs,
    ...(costUsd !== undefined ? { usage: { costUsd } } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}
