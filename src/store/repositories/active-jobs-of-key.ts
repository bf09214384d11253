import { z } from 'zod';
import type { Queryable } from '../database.js';

const CountSchema = z.object({ count: z.coerce.number().int() });

/**
 * Counts an API key's unfinished jobs (`queued`, `submitted`, `running`) after taking the key's
 * admission lock, an advisory lock held until `transaction` ends. Whoever inserts the key's new
 * jobs in that same transaction therefore sees every job another instance admitted before it
 * (READ COMMITTED takes a fresh snapshot per statement, after the lock was granted), so two
 * instances can never both take the last slot.
 */
export async function lockAndCountActiveJobs(
  transaction: Queryable,
  apiKeyId: string,
): Promise<number> {
  await transaction.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `switchyard:concurrency:${apiKeyId}`,
  ]);
  const { rows } = await transaction.query(
    `SELECT count(*) AS count FROM generations
     WHERE api_key_id = $1 AND status IN ('queued', 'submitted', 'running')`,
    [apiKeyId],
  );
  return CountSchema.parse(rows[0]).count;
}
