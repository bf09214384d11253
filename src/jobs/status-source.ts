import type { JsonValue } from '../core/provider-adapter.js';
import type { Warning } from '../core/warning.js';
import type { Queryable } from '../store/database.js';

/** The provider's acceptance of a queued job, stored with a synchronous answer. */
export interface Acceptance {
  provider: string;
  providerJobId: string;
  operation: JsonValue;
  warnings: Warning[];
}

/** Where a status result came from; only polls schedule the next poll. */
export type StatusSource =
  | {
      type: 'poll';
      poll: number;
      /** Consecutive polls whose completed result the asset store could not take. */
      storageFailures?: number;
      /** When the first of them happened (the gateway's clock, ms). */
      storageFailingSince?: number;
    }
  | { type: 'webhook' }
  | {
      type: 'immediate';
      /**
       * Runs first in the completion's transaction (marking the job submitted), so a synchronous
       * provider's answer costs one commit; false when the job changed meanwhile (canceled).
       */
      prelude?: (transaction: Queryable) => Promise<boolean>;
      /**
       * The same acceptance as data: with a success writer, the answer is then stored in a
       * batched statement instead of the prelude's transaction.
       */
      acceptance?: Acceptance;
    };
