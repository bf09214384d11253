import { createId } from '../core/create-id.js';
import type { Config } from '../config/config-schema.js';
import type { Database } from '../store/database.js';
import { releaseReservation } from '../store/repositories/ledger-repository.js';
import type { QuotaReserver } from '../tenancy/quota-reserver.js';

/** Who makes a relay call, and what for: what the meter needs of it. */
export interface MeteredCall {
  model: string;
  method: string;
  tenantId: string | null;
  apiKeyId: string | null;
}

/**
 * Charges relay calls like generations: a task-creating call (POST) of a priced family holds its
 * price from the tenant's balance before anything is forwarded (402 `insufficient_quota` or
 * `budget_exceeded` when it cannot), and settles it once the upstream accepted the call, or
 * refunds it — exactly once, by the ledger's unique rules. The ledger row's `job_id` is the
 * call's own `relay_…` id, so usage reports show relay spend under the family's model.
 */
export class RelayMeter {
  constructor(
    private readonly options: {
      database: Database;
      reserver: Pick<QuotaReserver, 'reserve' | 'alertSoftLimits'>;
      prices: Config['relay']['prices'];
      now: () => number;
    },
  ) {}

  /** Holds the call's price; undefined when the call is not metered (free, open, admin). */
  async hold(call: MeteredCall): Promise<{ id: string; priceUsd: number } | undefined> {
    const price = this.options.prices[call.model]?.perCallUsd;
    if (call.method !== 'POST' || !call.tenantId || price === undefined) return undefined;
    const id = createId('relay');
    const { tenantId } = call;
    const outcome = await this.options.database.transaction((transaction) =>
      this.options.reserver.reserve(transaction, {
        jobId: id,
        tenantId,
        apiKeyId: call.apiKeyId,
        amountUsd: price,
        model: call.model,
        at: new Date(this.options.now()),
      }),
    );
    if (outcome.status === 'refused') throw outcome.error;
    this.options.reserver.alertSoftLimits(outcome.softLimits);
    return { id, priceUsd: price };
  }

  /** Settles when the upstream accepted (`channelId` served it), refunds otherwise. */
  async release(
    held: { id: string; priceUsd: number },
    accepted: boolean,
    channelId: string | null,
  ): Promise<void> {
    await this.options.database.transaction((transaction) =>
      releaseReservation(
        transaction,
        held.id,
        accepted
          ? { kind: 'settlement', actualUsd: held.priceUsd, provider: channelId }
          : { kind: 'refund', provider: channelId },
      ),
    );
  }
}
