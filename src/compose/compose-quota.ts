import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import { LedgerRepository } from '../store/repositories/ledger-repository.js';
import { UsageRepository } from '../store/repositories/usage-repository.js';
import { QuotaReserver } from '../tenancy/quota-reserver.js';
import type { StoreLayer } from './compose-store.js';

/** Balances, reservations, budgets and usage. */
export interface QuotaLayer {
  /** Money movements on the API's pool (credits); reservations use the writer's transaction. */
  ledger: LedgerRepository;
  /** Holds new tenant jobs' estimates in the transaction that stores them. */
  reserver: QuotaReserver;
  /** Spend reports for `/v1/usage` and `/admin/usage`. */
  usage: UsageRepository;
}

export function composeQuota(
  store: Pick<StoreLayer, 'apiDatabase'>,
  options: { alerts: AlertSink; logger: Logger; now: () => number },
): QuotaLayer {
  const ledger = new LedgerRepository(store.apiDatabase, options.now);
  return {
    ledger,
    reserver: new QuotaReserver({ ledger, alerts: options.alerts, logger: options.logger }),
    usage: new UsageRepository(store.apiDatabase),
  };
}
