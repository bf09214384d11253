import type { AttemptStatus } from '../../core/job.js';
import type { JsonValue } from '../../core/provider-adapter.js';

/** A stored attempt with its operation handle (not exposed through the API). */
export interface AttemptRecord {
  id: string;
  generationId: string;
  seq: number;
  provider: string;
  providerModelId: string;
  providerJobId: string | null;
  operation: JsonValue | null;
  status: AttemptStatus;
  /** When the attempt was recorded, just before its provider call (absent on records built in memory). */
  startedAt?: Date;
}

/** An `attempts` row as selected. */
export interface AttemptRow {
  id: string;
  generation_id: string;
  seq: number;
  provider: string;
  provider_model_id: string;
  provider_job_id: string | null;
  operation: JsonValue | null;
  status: AttemptRecord['status'];
  started_at?: Date | string;
}

/** The attempt a row describes. */
export function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    id: row.id,
    generationId: row.generation_id,
    seq: row.seq,
    provider: row.provider,
    providerModelId: row.provider_model_id,
    providerJobId: row.provider_job_id,
    operation: row.operation,
    status: row.status,
    ...(row.started_at === undefined ? {} : { startedAt: new Date(row.started_at) }),
  };
}
