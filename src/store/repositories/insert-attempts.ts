import type { Queryable } from '../database.js';
import type { FirstAttempt } from './insert-first-attempts.js';

/**
 * Stores attempts (`submitting`, each numbered after its job's earlier attempts) of many jobs in
 * one statement, before their provider calls; answers their `seq` in input order. One job
 * appears at most once per call: a job's attempts are made one after another.
 */
export async function insertAttempts(
  executor: Queryable,
  attempts: readonly FirstAttempt[],
): Promise<number[]> {
  if (attempts.length === 0) return [];
  const { rows } = await executor.query<{ id: string; seq: number }>(
    `INSERT INTO generation_attempts (id, generation_id, seq, provider, provider_model_id, status)
     SELECT i.id, i.generation_id,
            (SELECT COALESCE(MAX(a.seq), 0) + 1 FROM generation_attempts a
              WHERE a.generation_id = i.generation_id),
            i.provider, i.provider_model_id, 'submitting'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         AS i(id, generation_id, provider, provider_model_id)
     RETURNING id, seq`,
    [
      attempts.map((attempt) => attempt.id),
      attempts.map((attempt) => attempt.generationId),
      attempts.map((attempt) => attempt.provider),
      attempts.map((attempt) => attempt.providerModelId),
    ],
  );
  const seqs = new Map(rows.map((row) => [row.id, row.seq]));
  return attempts.map((attempt) => seqs.get(attempt.id) ?? 0);
}
