import type { Queryable } from '../database.js';

/** The first attempt of a job being stored, before any provider call. */
export interface FirstAttempt {
  id: string;
  generationId: string;
  provider: string;
  providerModelId: string;
}

/**
 * Stores the first attempts (`submitting`, seq 1) of jobs inserted in the same transaction, in
 * one statement: a job routed when it is created costs no separate write before its provider call.
 */
export async function insertFirstAttempts(
  executor: Queryable,
  attempts: readonly FirstAttempt[],
): Promise<void> {
  if (attempts.length === 0) return;
  await executor.query(
    `INSERT INTO generation_attempts (id, generation_id, seq, provider, provider_model_id, status)
     SELECT id, generation_id, 1, provider, provider_model_id, 'submitting'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         AS input(id, generation_id, provider, provider_model_id)`,
    [
      attempts.map((attempt) => attempt.id),
      attempts.map((attempt) => attempt.generationId),
      attempts.map((attempt) => attempt.provider),
      attempts.map((attempt) => attempt.providerModelId),
    ],
  );
}
