import { z } from 'zod';
import { ProviderError } from '../../core/errors/index.js';
import type { ImageInput, JsonValue, ProviderRequest } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import { runwareProviderSettings, runwareWireSize } from './runware-models.js';
import { imageReference, isHttpUrl } from '../kernel/image-reference.js';

/** What the adapter stores per attempt and needs again for polling. */
export const RunwareOperationSchema = z.object({
  taskUUID: z.string().min(1),
  taskType: z.enum(['imageInference', 'videoInference']),
  /** Results asked for; the job is done when this many have succeeded. */
  results: z.number().int().positive(),
  /** Size on the wire, reported with the outputs. */
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** Requested video length, for per-second pricing when Runware reports no cost. */
  durationSeconds: z.number().positive().optional(),
});
export type RunwareOperation = z.infer<typeof RunwareOperationSchema>;

/** A Runware task object plus what the adapter keeps and tells the client. */
export interface RunwareTaskPlan {
  task: Record<string, JsonValue>;
  operation: RunwareOperation;
  warnings: Warning[];
}

const megapixel = 1024 * 1024;

/**
 * Maps a validated request to one Runware `imageInference` / `videoInference` task
 * (`deliveryMethod: "async"`, `includeCost: true`). Throws `provider_invalid_request` (retryable,
 * so another provider can serve it) when an input image has no public URL and Runware needs one.
 */
export async function buildRunwareRequest(
  providerId: string,
  request: ProviderRequest,
  taskUUID: string,
  webhookURL: string | undefined,
): Promise<RunwareTaskPlan> {
  const model = request.offering.providerModelId;
  const video = request.kind === 'video';
  const warnings: Warning[] = [];
  const task: Record<string, JsonValue> = {
    taskType: video ? 'videoInference' : 'imageInference',
    taskUUID,
    model,
    positivePrompt: request.prompt,
    numberResults: request.n,
    outputType: 'URL',
    deliveryMethod: 'async',
    includeCost: true,
  };
  if (request.negativePrompt !== undefined) task.negativePrompt = request.negativePrompt;
  if (request.seed !== undefined) task.seed = request.seed;
  if (webhookURL) task.webhookURL = webhookURL;

  const size = video ? videoSize(request, warnings) : imageSize(request, warnings);
  if (size) Object.assign(task, size);

  // The tier's settings are catalog data (`qualitySettings`); the engine resolves them, and a
  // direct caller (tests, recovery) gets them from the offering.
  const tier =
    request.qualitySettings ??
    (request.quality ? request.offering.qualitySettings?.[request.quality] : undefined);
  const steps = tier?.steps;
  if (steps !== undefined) task.steps = steps;
  else if (request.quality) {
    warnings.push({
      code: 'unsupported_parameter',
      parameter: 'quality',
      message: `${request.offering.modelKey} on Runware has no quality setting; '${request.quality}' was not applied.`,
    });
  }

  if (video) {
    task.outputFormat = 'MP4';
    if (request.duration !== undefined) task.duration = request.duration;
    const settings = runwareProviderSettings[model];
    if (settings) task.providerSettings = settings;
    const first = request.inputImages[0];
    if (request.task === 'image-to-video' && first) {
      // Runware fetches frame images itself and rejects data URIs for them (seed system S1).
      task.inputs = {
        frameImages: [{ image: await publicUrl(providerId, first), frame: 'first' }],
      };
      if (request.inputImages.length > 1) warnings.push(extraImagesIgnored(request));
    }
  } else if (request.task !== 'text-to-image' && request.inputImages[0]) {
    // Image inputs accept a URL or a data URI (Runware docs: "UUID, URL, Data URI, or Base64"),
    // so images without a public URL are sent inline.
    const inputs: Record<string, JsonValue> = {
      seedImage: await imageReference(request.inputImages[0], { canFetch: isHttpUrl }),
    };
    if (request.task === 'inpaint' && request.mask) {
      inputs.maskImage = await imageReference(request.mask, { canFetch: isHttpUrl });
    }
    task.inputs = inputs;
    if (request.strength !== undefined) task.strength = request.strength;
    if (request.inputImages.length > 1) warnings.push(extraImagesIgnored(request));
  }

  const operation: RunwareOperation = {
    taskUUID,
    taskType: video ? 'videoInference' : 'imageInference',
    results: request.n,
    ...(size ?? {}),
    ...(video && request.duration !== undefined ? { durationSeconds: request.duration } : {}),
  };
  return { task, operation, warnings };
}

type Size = { width: number; height: number };

function videoSize(request: ProviderRequest, warnings: Warning[]): Size | undefined {
  if (request.width === undefined || request.height === undefined) return undefined;
  const wire = runwareWireSize(request.offering.providerModelId, request.width, request.height);
  if (wire.width !== request.width || wire.height !== request.height) {
    const preset = request.resolution ? ` ${request.resolution}` : '';
    warnings.push({
      code: 'parameter_adjusted',
      parameter: 'resolution',
      message: `Runware renders ${request.offering.modelKey}${preset} as ${wire.width}x${wire.height} (requested ${request.width}x${request.height}).`,
    });
  }
  return wire;
}

/** Runware's image models need a size; one is derived from the aspect ratio when absent. */
function imageSize(request: ProviderRequest, warnings: Warning[]): Size {
  if (request.width !== undefined && request.height !== undefined) {
    return { width: request.width, height: request.height };
  }
  const [across, down] = (request.aspectRatio ?? '1:1').split(':').map(Number) as [number, number];
  const snap = (value: number) => Math.min(2048, Math.max(128, Math.round(value / 64) * 64));
  const size = {
    width: snap(Math.sqrt((megapixel * across) / down)),
    height: snap(Math.sqrt((megapixel * down) / across)),
  };
  if (request.aspectRatio) {
    warnings.push({
      code: 'parameter_adjusted',
      parameter: 'aspect_ratio',
      message: `Runware needs a pixel size; ${size.width}x${size.height} was used for ${request.aspectRatio}.`,
    });
  }
  return size;
}

function extraImagesIgnored(request: ProviderRequest): Warning {
  return {
    code: 'unsupported_parameter',
    parameter: 'input_images',
    message: `${request.offering.modelKey} on Runware takes one input image; only the first was used.`,
  };
}

async function publicUrl(providerId: string, input: ImageInput): Promise<string> {
  if (input.url && isHttpUrl(input.url)) return input.url;
  throw new ProviderError({
    providerId,
    code: 'provider_invalid_request',
    isRetryable: true,
    message: `${providerId} needs a public URL for input images; set SWITCHYARD_PUBLIC_URL`,
  });
}
