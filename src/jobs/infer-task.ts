import { GenerationKind, GenerationTask } from '../core/generation-request.js';

/**
 * The task a request means when it names none: from the model's kind and the images it brings
 * (a mask means inpainting, input images mean image-to-…).
 */
export function inferTask(
  kind: GenerationKind,
  request: { inputImages: readonly string[]; mask?: string },
): GenerationTask {
  if (kind === GenerationKind.image) {
    if (request.mask) return GenerationTask.inpaint;
    return request.inputImages.length ? GenerationTask.imageToImage : GenerationTask.textToImage;
  }
  return request.inputImages.length ? GenerationTask.imageToVideo : GenerationTask.textToVideo;
}
