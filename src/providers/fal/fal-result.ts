import type { ProviderOutput, StatusResult } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import { FalOutputSchema } from './fal-api-schemas.js';

/** What the adapter knows about the request when it reads a result. */
export interface FalOutputContext {
  /** Requested video length, reported on the output (fal does not echo it). */
  durationSeconds?: number;
}

/**
 * Turns a fal model output (`{images: [...]}` or `{video: {...}}`) into a status. FLUX's safety
 * checker replaces flagged images with black ones and lists them in `has_nsfw_concepts`: those
 * are dropped with a warning, and a result with nothing left is `provider_content_rejected`.
 * Returns undefined when the output has no file we understand.
 */
export function mapFalResult(
  value: unknown,
  context: FalOutputContext = {},
): StatusResult | undefined {
  const parsed = FalOutputSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const output = parsed.data;
  if (output.video) {
    const file = output.video;
    return {
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: file.url,
          mimeType: file.content_type ?? 'video/mp4',
          ...(context.durationSeconds !== undefined
            ? { durationSeconds: context.durationSeconds }
            : {}),
        },
      ],
      usage:
        context.durationSeconds !== undefined
          ? { videoSeconds: context.durationSeconds }
          : undefined,
    };
  }
  if (!output.images?.length) return undefined;
  const flagged = output.has_nsfw_concepts ?? [];
  const outputs: ProviderOutput[] = [];
  for (const [index, image] of output.images.entries()) {
    if (flagged[index] === true) continue;
    outputs.push({
      type: 'url',
      url: image.url,
      mimeType: image.content_type ?? undefined,
      width: image.width ?? undefined,
      height: image.height ?? undefined,
    });
  }
  if (outputs.length === 0) {
    return {
      status: 'failed',
      code: 'provider_content_rejected',
      message: "fal's safety checker flagged every generated image.",
      isRetryable: false,
    };
  }
  const warnings: Warning[] = [];
  if (outputs.length < output.images.length) {
    warnings.push({
      code: 'outputs_filtered',
      parameter: 'n',
      message: `fal's safety checker flagged ${output.images.length - outputs.length} of ${output.images.length} images; they were left out.`,
    });
  }
  return { status: 'completed', outputs, ...(warnings.length ? { warnings } : {}) };
}
