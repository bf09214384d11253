import { z } from 'zod';
import type { AlertSink } from '../../observability/alert-sink.js';
import type { Logger } from '../../observability/logger.js';
import type { ControlPlane } from './control-plane.js';
import type { ChangeAuthor } from './control-plane-store.js';
import type { FlagRow } from './routing-settings.js';

const keyPrefix = 'OFFERING_UNAVAILABLE:';

/**
 * The control-plane row that marks one offering unavailable:
 * `OFFERING_UNAVAILABLE:<provider>:<model>` (provider ids hold no `:`; model keys may).
 */
export function offeringUnavailableKey(provider: string, model: string): string {
  return `${keyPrefix}${provider}:${model}`;
}

const MarkSchema = z.object({
  providerModelId: z.string(),
  code: z.string(),
  reason: z.string(),
  since: z.string(),
});

/** One offering (provider × catalog model) the provider refused to serve. */
export interface UnavailableOffering {
  provider: string;
  /** The catalog model key. */
  model: string;
  /** The model id the provider refused. */
  providerModelId: string;
  /** The error code that marked it (`provider_model_unavailable`). */
  code: string;
  /** The provider's own words, as the adapter reported them. */
  reason: string;
  /** When it was marked (ISO 8601). */
  since: string;
}

export interface OfferingAvailabilityOptions {
  controlPlane: ControlPlane;
  alerts: AlertSink;
  logger: Logger;
  now?: () => number;
}

/**
 * Offerings taken out of routing because their provider no longer serves the model (retired,
 * renamed, withdrawn for the account). A mark is a control-plane row, so every instance reads
 * it on the same NOTIFY as weights and switches, it survives restarts, and it is audited; it
 * stays until an operator restores the offering (`POST /admin/offerings/{provider}/{model}/restore`
 * or by deleting the row). The instance that writes the mark first raises the one alert.
 */
export class OfferingAvailability {
  private marks = new Map<string, UnavailableOffering>();
  private readonly now: () => number;

  constructor(private readonly options: OfferingAvailabilityOptions) {
    this.now = options.now ?? Date.now;
    // Registered before the control plane starts, so stored marks apply at its first read.
    options.controlPlane.onFlags((rows) => this.apply(rows));
  }

  /** The mark on an offering, if it is unavailable. */
  unavailable(provider: string, model: string): UnavailableOffering | undefined {
    return this.marks.get(offeringUnavailableKey(provider, model));
  }

  /** Every unavailable offering, for `/api/health` and the admin API. */
  list(): UnavailableOffering[] {
    return [...this.marks.values()].sort((left, right) =>
      `${left.provider}:${left.model}`.localeCompare(`${right.provider}:${right.model}`),
    );
  }

  /**
   * Marks an offering unavailable everywhere. Applies here at once (the next plan skips it),
   * then writes the row; returns whether this call made the mark (and so raised the alert).
   */
  async markUnavailable(
    offering: Omit<UnavailableOffering, 'since'>,
    author: ChangeAuthor = { actor: 'system', reason: offering.code },
  ): Promise<boolean> {
    const key = offeringUnavailableKey(offering.provider, offering.model);
    if (this.marks.has(key)) return false;
    const mark: UnavailableOffering = { ...offering, since: new Date(this.now()).toISOString() };
    this.marks.set(key, mark);
    const { provider, model, ...stored } = mark;
    const created = await this.options.controlPlane.store.insertIfAbsent(
      key,
      {
        flagValue: false,
        text: JSON.stringify(stored),
        description: `Offering ${provider} × ${model} unavailable`,
      },
      author,
    );
    if (!created) return false;
    await this.options.alerts.raise({
      type: 'offering_unavailable',
      severity: 'warning',
      message: `Provider ${provider} no longer serves model ${model} (${offering.providerModelId}): ${offering.reason}. Traffic for ${model} skips ${provider} until the offering is restored (POST /admin/offerings/${provider}/${model}/restore); update the catalog.`,
      details: { provider, model, providerModelId: offering.providerModelId, code: offering.code },
    });
    return true;
  }

  /** Lifts a mark on every instance; false when the offering was not marked. */
  async restore(provider: string, model: string, author: ChangeAuthor): Promise<boolean> {
    const removed = await this.options.controlPlane.store.delete(
      offeringUnavailableKey(provider, model),
      author,
    );
    await this.options.controlPlane.reload();
    if (removed) {
      await this.options.alerts.raise({
        type: 'offering_restored',
        severity: 'info',
        message: `Offering ${provider} × ${model} restored by ${author.actor}; it is routed again.`,
        details: { provider, model },
      });
    }
    return removed;
  }

  private apply(rows: readonly FlagRow[]): void {
    const next = new Map<string, UnavailableOffering>();
    for (const row of rows) {
      if (!row.flag_key.startsWith(keyPrefix) || row.flag_value_text === null) continue;
      const rest = row.flag_key.slice(keyPrefix.length);
      const separator = rest.indexOf(':');
      let parsed;
      try {
        parsed = MarkSchema.safeParse(JSON.parse(row.flag_value_text));
      } catch {
        parsed = undefined;
      }
      if (separator <= 0 || !parsed?.success) {
        this.options.logger.warn({ key: row.flag_key }, 'ignoring an unreadable offering mark');
        continue;
      }
      const provider = rest.slice(0, separator);
      const model = rest.slice(separator + 1);
      next.set(row.flag_key, { provider, model, ...parsed.data });
    }
    for (const [key, mark] of next) {
      if (!this.marks.has(key))
        this.options.logger.warn(
          { provider: mark.provider, model: mark.model },
          'offering marked unavailable',
        );
    }
    this.marks = next;
  }
}
