import { ProviderError } from '../../core/errors/index.js';
import type { ImageInput } from '../../core/provider-adapter.js';

/** An http(s) URL (not a `data:` or other scheme). */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

export interface ImageReferenceOptions {
  /** Whether the provider fetches this URL itself (default: every URL it was given). */
  canFetch?: (url: string) => boolean;
  /**
   * The provider's limit on inline images. A larger image is a retryable
   * `provider_invalid_request` with `message`: another provider may take it.
   */
  inlineLimit?: { providerId: string; maxBytes: number; message: string };
}

/**
 * An input image as the provider takes it: its URL when the provider can fetch it, otherwise
 * its bytes inline as a `data:` URI (read through the SSRF-checked, size-limited reader).
 */
export async function imageReference(
  image: ImageInput,
  options: ImageReferenceOptions = {},
): Promise<string> {
  if (image.url && (options.canFetch?.(image.url) ?? true)) return image.url;
  const { data, mimeType } = await image.read();
  const limit = options.inlineLimit;
  if (limit && data.length > limit.maxBytes) {
    throw new ProviderError({
      providerId: limit.providerId,
      code: 'provider_invalid_request',
      isRetryable: true,
      message: limit.message,
    });
  }
  return `data:${mimeType};base64,${data.toString('base64')}`;
}
