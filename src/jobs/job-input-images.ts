import type { AssetStore } from '../assets/asset-store.js';
import { storeImageStream } from '../assets/store-image-stream.js';
import { GatewayError } from '../core/errors/index.js';
import type { ImageInput } from '../core/provider-adapter.js';
import type { SafeFetchContext } from '../providers/kernel/safe-fetch-context.js';
import { downloadStream } from '../security/safe-fetch.js';

/** The job whose input images are resolved: stored copies are linked to it and its tenant. */
export interface InputImageJob {
  /** Generation id; the stored copy's `generation_id`, so the job's retention removes it too. */
  id: string;
  /** Owner of the stored copy (the job's tenant). */
  tenantId: string | null;
}

/**
 * One job's input images as adapters see them, for one submission run (every candidate and
 * every call of that run). A URL is passed on as it is; only when an adapter asks for the
 * bytes is it downloaded, once, streamed into the asset store as an upload of the job's
 * tenant, and every later read (another candidate, an adapter's own retry) reads that copy.
 * The memo holds asset ids only and lives as long as this object (one `processJob`).
 */
export class JobInputImages {
  /** Stored copy of each URL read in this run, by URL; at most the job's input count. */
  private readonly stored = new Map<string, Promise<string>>();

  constructor(
    private readonly job: InputImageJob,
    private readonly assets: AssetStore,
    private readonly fetchContext: SafeFetchContext,
    private readonly publicUrl: () => string | undefined,
  ) {}

  /** The adapter-facing view of one reference (an asset id or an http(s) URL). */
  resolve(reference: string): ImageInput {
    if (reference.startsWith('asset_')) {
      const base = this.publicUrl();
      return {
        assetId: reference,
        url: base ? `${base}/v1/assets/${reference}` : undefined,
        read: () => this.assets.read(reference),
      };
    }
    return {
      url: reference,
      read: async () => this.assets.read(await this.storedCopy(reference)),
    };
  }

  /** The asset id of the URL's stored copy, downloading it on the first call. */
  private storedCopy(url: string): Promise<string> {
    let copy = this.stored.get(url);
    if (!copy) {
      copy = this.download(url);
      // A failed download (a timeout, a 503) may succeed for the next candidate: not memoised.
      copy.catch(() => this.stored.delete(url));
      this.stored.set(url, copy);
    }
    return copy;
  }

  private async download(url: string): Promise<string> {
    const { guard, maxBytes, timeoutMs } = this.fetchContext;
    const response = await downloadStream(url, { guard, maxBytes, timeoutMs });
    const asset = await storeImageStream(this.assets, {
      body: response.body,
      tenantId: this.job.tenantId,
      generationId: this.job.id,
      notAnImage: () =>
        new GatewayError({
          code: 'invalid_input_image',
          // The host only, as before: a path or query may carry the client's token.
          message: `Input image ${new URL(url).host} did not return a complete PNG, JPEG, WebP or GIF image.`,
          httpStatus: 400,
        }),
    });
    return asset.id;
  }
}
