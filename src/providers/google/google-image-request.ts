import { ProviderError } from '../../core/errors/index.js';
import type { ProviderOutput, ProviderRequest, StatusResult } from '../../core/provider-adapter.js';
import type { GenerateContentResponse } from './google-api-schemas.js';
import { gemini25ImageAspectRatioBySize } from './google-models.js';

/** Finish and block reasons that mean the prompt or the picture was refused. */
const refusalReasons = new Set([
  'SAFETY',
  'IMAGE_SAFETY',
  'PROHIBITED_CONTENT',
  'IMAGE_PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'IMAGE_RECITATION',
]);

/** A `generateContent` body and the pixel size when it is known in advance. */
export interface GeminiImageCall {
  body: Record<string, unknown>;
  width?: number;
  height?: number;
}

/**
 * Maps an image request to `generateContent`: the prompt and any input images (inline base64,
 * so no public URL is needed) as parts, `responseModalities: ['IMAGE']`, and the aspect ratio in
 * `imageConfig`. A width/height is turned into its ratio through the model's size table.
 */
export async function buildGoogleImageRequest(
  request: ProviderRequest,
  providerId: string,
): Promise<GeminiImageCall> {
  let aspectRatio = request.aspectRatio;
  let size: { width: number; height: number } | undefined;
  if (request.width !== undefined && request.height !== undefined) {
    const ratio = gemini25ImageAspectRatioBySize[`${request.width}x${request.height}`];
    if (!ratio) {
      throw new ProviderError({
        providerId,
        code: 'provider_invalid_request',
        message: `${request.offering.providerModelId} has no fixed size ${request.width}x${request.height}; give an aspect ratio.`,
        isRetryable: true,
      });
    }
    aspectRatio = ratio;
    size = { width: request.width, height: request.height };
  }
  const parts: Record<string, unknown>[] = [{ text: request.prompt }];
  for (const image of request.inputImages) {
    const { data, mimeType } = await image.read();
    parts.push({ inlineData: { mimeType, data: data.toString('base64') } });
  }
  const generationConfig: Record<string, unknown> = { responseModalities: ['IMAGE'] };
  if (aspectRatio) generationConfig.imageConfig = { aspectRatio };
  return { body: { contents: [{ role: 'user', parts }], generationConfig }, ...size };
}

/**
 * Maps a `generateContent` answer: inline images become `bytes` outputs; a refused prompt or
 * image is `provider_content_rejected`; an answer with text only (the model declined to draw)
 * is a retryable generation failure.
 */
export function mapGoogleImageResult(
  response: GenerateContentResponse,
  size: { width?: number; height?: number },
): StatusResult {
  const candidate = response.candidates?.[0];
  const outputs: ProviderOutput[] = [];
  const texts: string[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.inlineData?.data) {
      outputs.push({
        type: 'bytes',
        data: Buffer.from(part.inlineData.data, 'base64'),
        mimeType: part.inlineData.mimeType ?? 'image/png',
        ...(size.width !== undefined ? { width: size.width, height: size.height } : {}),
      });
    } else if (part.text) {
      texts.push(part.text);
    }
  }
  if (outputs.length > 0) return { status: 'completed', outputs };
  const blockReason = response.promptFeedback?.blockReason ?? undefined;
  if (blockReason) {
    const detail = response.promptFeedback?.blockReasonMessage ?? blockReason;
    return {
      status: 'failed',
      code: 'provider_content_rejected',
      message: `The prompt was blocked: ${detail}`,
      isRetryable: false,
    };
  }
  const finishReason = candidate?.finishReason ?? undefined;
  if (finishReason && refusalReasons.has(finishReason)) {
    return {
      status: 'failed',
      code: 'provider_content_rejected',
      message: `No image was returned (${finishReason}).`,
      isRetryable: false,
    };
  }
  const said = texts.join(' ').slice(0, 300);
  return {
    status: 'failed',
    code: 'provider_generation_failed',
    message: `No image was returned${finishReason ? ` (${finishReason})` : ''}${said ? `: ${said}` : '.'}`,
    isRetryable: true,
  };
}
