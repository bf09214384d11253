import { createRequire } from 'node:module';
import type { QueryResult } from '../store/database.js';
import { isTransientDatabaseError } from '../store/is-transient-database-error.js';

/** The SQL builders of the pg-boss version installed (pinned in package.json). */
interface PgBossPlans {
  completeJobs(schema: string): string;
  failJobsById(schema: string): string;
}

function loadPlans(): PgBossPlans {
  const plans: unknown = createRequire(import.meta.url)('pg-boss/src/plans.js');
  const candidate = plans as Partial<PgBossPlans>;
  if (typeof candidate.completeJobs !== 'function' || typeof candidate.failJobsById !== 'function')
    throw new Error('pg-boss plans changed shape: review queue-acknowledgements.ts');
  return candidate as PgBossPlans;
}

const retryDelaysMs = [200, 500, 1000, 2000];

/**
 * pg-boss 10.4 acknowledges a handled batch (`complete`, or `fail` when the handler threw)
 * from its worker loop without awaiting the promise (manager.js `watch`): when the database
 * is away at that moment the rejection is unhandled and, by Node's default, kills the process.
 * This wraps pg-boss's `executeSql` so that those two statements are retried through a short
 * outage and, if they still fail, logged and reported as "nothing affected" instead of
 * rejected. Losing an acknowledgement is safe by design: the message stays active, its lease
 * expires and it is handled again, which every handler already survives (ADR 0002).
 */
export function settleAcknowledgements(
  schema: string,
  executeSql: (text: string, values?: unknown[]) => Promise<QueryResult<unknown>>,
  onGiveUp: (error: unknown) => void,
): (text: string, values?: unknown[]) => Promise<QueryResult<unknown>> {
  const plans = loadPlans();
  const acknowledgements = new Set([plans.completeJobs(schema), plans.failJobsById(schema)]);
  return async (text, values) => {
    if (!acknowledgements.has(text)) return executeSql(text, values);
    for (let attempt = 0; ; attempt++) {
      try {
        return await executeSql(text, values);
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (delay === undefined || !isTransientDatabaseError(error)) {
          onGiveUp(error);
          return { rows: [{ count: '0' }], rowCount: 0 };
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
}
