import type { AssetStore } from '../assets/asset-store.js';
import { sniffMedia } from '../assets/sniff-media.js';
import { ValidationError } from '../core/errors/index.js';
import type { SafeFetchContext } from '../providers/kernel/safe-fetch-context.js';
import { JobInputImages, type InputImageJob } from './job-input-images.js';

/**
 * Turns request image references into what adapters need. Data URIs are stored as assets when
 * the job is created (see `storeInlineImages`), so jobs only ever hold URLs and asset ids; a
 * URL is downloaded only when an adapter reads it, once per submission run (`forJob`).
 */
export class InputImageResolver {
  constructor(
    private readonly assets: AssetStore,
    private readonly fetchContext: SafeFetchContext,
    private readonly publicUrl: () => string | undefined,
  ) {}

  /**
   * Checks references at creation: asset ids exist (and belong to `tenantId` when one is
   * given: another tenant's upload is as unknown as a missing one), URLs pass the SSRF syntax
   * check.
   */
  async validate(references: readonly string[], field: string, tenantId?: string): Promise<void> {
    for (const [index, given] of references.entries()) {
      const reference = this.ownAssetId(given) ?? given;
      if (reference.startsWith('asset_')) {
        const asset = await this.assets.get(reference);
        if (!asset || (tenantId !== undefined && asset.tenantId !== tenantId))
          throw new ValidationError(
            `${field}[${index}]: no uploaded asset '${reference}'.`,
            { field, index },
            'asset_not_found',
          );
        if (!asset.mimeType.startsWith('image/')) {
          throw new ValidationError(`${field}[${index}]: asset '${reference}' is not an image.`, {
            field,
            index,
          });
        }
      } else if (/^https?:/i.test(reference)) {
        this.fetchContext.guard.checkUrl(reference);
      }
    }
  }

  /** Replaces `data:image/…;base64,` references with stored asset ids. */
  async storeInlineImages(
    references: readonly string[],
    field: string,
    tenantId: string | null = null,
  ): Promise<string[]> {
    const stored: string[] = [];
    for (const [index, reference] of references.entries()) {
      if (!reference.startsWith('data:')) {
        stored.push(this.ownAssetId(reference) ?? reference);
        continue;
      }
      const match = /^data:image\/[a-z0-9.+-]+;base64,([a-z0-9+/=\s]+)$/i.exec(reference);
      if (!match?.[1])
        throw new ValidationError(`${field}[${index}]: only base64 data:image URIs are accepted.`, {
          field,
          index,
        });
      const data = Buffer.from(match[1], 'base64');
      if (sniffMedia(data)?.kind !== 'image') {
        throw new ValidationError(
          `${field}[${index}]: the data URI does not contain a PNG, JPEG, WebP or GIF image.`,
          { field, index },
        );
      }
      const asset = await this.assets.save({ data, purpose: 'upload', tenantId });
      stored.push(asset.id);
    }
    return stored;
  }

  /**
   * The asset id of a link to this gateway's own asset (`<public URL>/v1/assets/asset_…`, as
   * uploads answer it), so that it is read from the store, never fetched; undefined otherwise.
   */
  private ownAssetId(reference: string): string | undefined {
    const base = this.publicUrl()?.replace(/\/+$/, '');
    if (!base || !reference.startsWith(`${base}/v1/assets/`)) return undefined;
    const id = reference.slice(`${base}/v1/assets/`.length);
    return /^asset_[A-Za-z0-9_-]+$/.test(id) ? id : undefined;
  }

  /** The adapter-facing view of one job's references, for one submission run. */
  forJob(job: InputImageJob): JobInputImages {
    return new JobInputImages(job, this.assets, this.fetchContext, this.publicUrl);
  }
}
