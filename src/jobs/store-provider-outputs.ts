import type { AssetStore, PreparedAsset } from '../assets/asset-store.js';
import type { Job } from '../core/job.js';
import type { ProviderOutput } from '../core/provider-adapter.js';
import type { SafeFetchContext } from '../providers/kernel/safe-fetch-context.js';
import { downloadStream } from '../security/safe-fetch.js';
import type { JobEvents } from './job-events.js';

/** What storing a provider's outputs needs. */
export interface StoreOutputsDependencies {
  /** Output files are written here; their rows commit later, with the job's success. */
  assets: AssetStore;
  /** Where bytes already in memory are offered to this process's waiters. */
  events: Pick<JobEvents, 'outputBytes'>;
  /** Guard and limits for downloading provider outputs. */
  fetchContext: SafeFetchContext;
  /** Aborted at shutdown: output downloads stop waiting. */
  shutdown: AbortSignal;
}

/** Downloads or decodes each output and writes its file; rows are stored with the success. */
export async function storeProviderOutputs(
  options: StoreOutputsDependencies,
  job: Job,
  outputs: readonly ProviderOutput[],
): Promise<PreparedAsset[]> {
  const saved: PreparedAsset[] = [];
  try {
    for (const output of outputs) {
      const described = {
        purpose: 'output' as const,
        generationId: job.id,
        claimedMimeType: output.mimeType,
        width: output.width,
        height: output.height,
        durationSeconds: output.durationSeconds,
      };
      if (output.type === 'bytes') {
        saved.push(await options.assets.writeFile({ ...described, data: output.data }));
        // A waiter of this process may answer with the bytes instead of reading the file back.
        options.events.outputBytes.offer(job.id, saved[saved.length - 1]!.id, output.data);
        continue;
      }
      // Streamed from the provider into the store: a video is never held whole.
      const { body } = await downloadStream(output.url, {
        guard: options.fetchContext.guard,
        maxBytes: options.fetchContext.maxBytes,
        timeoutMs: options.fetchContext.timeoutMs,
        headers: output.headers,
        signal: options.shutdown,
      });
      saved.push(await options.assets.writeStream({ ...described, body }));
    }
  } catch (error) {
    // The store may be the thing that failed: the original error is the one to report.
    await options.assets.discard(saved).catch(() => undefined);
    throw error;
  }
  return saved;
}
