import type { GatewayError } from '../core/errors/index.js';
import type { Asset, AssetStore, StreamAssetInput } from './asset-store.js';
import { writeImageUpload } from './write-image-upload.js';

/** What {@link storeImageStream} stores, and how a refusal names it. */
export interface StoreImageStreamInput extends Omit<StreamAssetInput, 'purpose'> {
  /**
   * Builds the error for bytes that are not a PNG, JPEG, WebP or GIF image (or are cut short);
   * the caller knows what to call the file and which code its clients expect.
   */
  notAnImage: () => GatewayError;
}

/**
 * Stores an image read from a download (a client's input image by URL) without ever holding it
 * whole, the way uploads are written ({@link writeImageUpload}: type and size from the head,
 * the end checked once it has passed), then its row. The download enforces its own size limit
 * and timeout, whose errors are rethrown as they are; on any failure the download is closed and
 * nothing stays behind: no object, no row.
 */
export async function storeImageStream(
  assets: AssetStore,
  input: StoreImageStreamInput,
): Promise<Asset> {
  const { body } = input;
  let prepared;
  try {
    prepared = await writeImageUpload(assets.objects, {
      body,
      // The download stops at its own limit with its own error (`download_too_large`).
      maxBytes: Number.POSITIVE_INFINITY,
      tenantId: input.tenantId,
      generationId: input.generationId,
      notAnImage: input.notAnImage,
    });
  } catch (error) {
    body.destroy();
    throw error;
  }
  try {
    return await assets.insertRow(prepared);
  } catch (error) {
    await assets.discard([prepared]).catch(() => undefined);
    throw error;
  }
}
