import type { Queryable } from '../store/database.js';
import { lockAndCountActiveJobs } from '../store/repositories/active-jobs-of-key.js';

/** A new job of a key with a concurrency limit. */
export interface ConcurrencyClaim {
  /** The key creating the job. */
  apiKeyId: string;
  /** Most unfinished jobs the key may have at once, this one included. */
  maxConcurrentJobs: number;
}

/** Why a claim was refused: the key's limit and how many jobs it has unfinished. */
export interface ConcurrencyRefusal {
  limit: number;
  active: number;
}

/**
 * Decides, inside the transaction that will insert them, which new jobs exceed their key's
 * concurrency limit: per key, the first ones in arrival order are admitted while the key's
 * unfinished jobs (counted under its admission lock) plus those admitted stay within the limit.
 * Keys are locked in sorted order, so two instances' batches never wait on each other in a
 * cycle. Entries without a claim are never refused.
 */
export async function refuseOverConcurrencyLimit<Entry>(
  transaction: Queryable,
  entries: readonly Entry[],
  claimOf: (entry: Entry) => ConcurrencyClaim | undefined,
): Promise<Map<Entry, ConcurrencyRefusal>> {
  const byKey = new Map<string, { entry: Entry; claim: ConcurrencyClaim }[]>();
  for (const entry of entries) {
    const claim = claimOf(entry);
    if (!claim) continue;
    const claims = byKey.get(claim.apiKeyId) ?? [];
    claims.push({ entry, claim });
    byKey.set(claim.apiKeyId, claims);
  }
  const refused = new Map<Entry, ConcurrencyRefusal>();
  for (const apiKeyId of [...byKey.keys()].sort()) {
    let active = await lockAndCountActiveJobs(transaction, apiKeyId);
    for (const { entry, claim } of byKey.get(apiKeyId) ?? []) {
      if (active < claim.maxConcurrentJobs) active += 1;
      else refused.set(entry, { limit: claim.maxConcurrentJobs, active });
    }
  }
  return refused;
}
