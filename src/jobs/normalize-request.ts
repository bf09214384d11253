import { GatewayError, ValidationError } from '../core/errors/index.js';
import { GenerationTask, type GenerationRequest } from '../core/generation-request.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { inferTask } from './infer-task.js';

/** A request as the HTTP layer hands it over: kind, task and defaults not yet inferred. */
export type GenerationRequestDraft = Omit<
  GenerationRequest,
  'kind' | 'task' | 'n' | 'inputImages' | 'allowResubmit'
> &
  Partial<Pick<GenerationRequest, 'kind' | 'task' | 'n' | 'inputImages' | 'allowResubmit'>>;

/**
 * A draft made whole: the model key resolved (a provider model id is accepted), kind and task
 * inferred and checked against the model and the inputs, a provider pin checked, defaults
 * filled. Every refusal is a 4xx naming the parameter, before anything is stored.
 */
export function normalizeRequest(
  instances: ProviderInstances,
  input: GenerationRequestDraft,
): GenerationRequest {
  const draft = {
    ...input,
    model: instances.resolveModelKey(input.model) ?? input.model,
  };
  const offerings = instances.offeringsFor(draft.model);
  if (offerings.length === 0) {
    const available = [
      ...new Set(
        instances
          .list()
          .flatMap((instance) => instance.adapter.models.map((model) => model.modelKey)),
      ),
    ].sort();
    throw new ValidationError(
      `Unknown model '${draft.model}'. See GET /v1/models.`,
      { parameter: 'model', available },
      'unknown_model',
    );
  }
  const kind = offerings[0]!.offering.kind;
  if (draft.kind && draft.kind !== kind) {
    throw new ValidationError(`Model '${draft.model}' generates ${kind}, not ${draft.kind}.`, {
      parameter: 'kind',
    });
  }
  const inputImages = draft.inputImages ?? [];
  const task = draft.task ?? inferTask(kind, { inputImages, mask: draft.mask });
  const taskKind = task.endsWith('video') ? 'video' : 'image';
  if (taskKind !== kind)
    throw new ValidationError(`Task '${task}' does not match model '${draft.model}' (${kind}).`, {
      parameter: 'task',
    });
  if (task === GenerationTask.textToImage || task === GenerationTask.textToVideo) {
    if (inputImages.length || draft.mask)
      throw new ValidationError(`Task '${task}' takes no input images; use image-to-${kind}.`, {
        parameter: 'input_images',
      });
  } else if (inputImages.length === 0) {
    throw new ValidationError(`Task '${task}' needs at least one input image.`, {
      parameter: 'input_images',
    });
  }
  if (task === GenerationTask.inpaint && !draft.mask)
    throw new ValidationError('Inpainting needs a mask.', { parameter: 'mask' });
  if (task !== GenerationTask.inpaint && draft.mask)
    throw new ValidationError('A mask is only used for inpainting.', { parameter: 'mask' });
  if (draft.provider) {
    const instance = instances.get(draft.provider);
    if (!instance)
      throw new ValidationError(
        `Unknown provider '${draft.provider}'.`,
        { parameter: 'provider' },
        'unknown_provider',
      );
    if (!instance.enabled) {
      throw new GatewayError({
        code: 'provider_disabled',
        message: `Provider '${draft.provider}' is disabled.`,
        httpStatus: 403,
        details: { provider: draft.provider },
      });
    }
    if (!offerings.some((entry) => entry.instance.adapter.id === draft.provider)) {
      throw new ValidationError(
        `Provider '${draft.provider}' does not serve model '${draft.model}'.`,
        { parameter: 'provider' },
        'model_not_served',
      );
    }
  }
  return {
    ...draft,
    kind,
    task,
    inputImages,
    n: draft.n ?? 1,
    allowResubmit: draft.allowResubmit ?? false,
  };
}
