import { z } from 'zod';
import type { Database } from '../database.js';

/** Fields of a simulated submission. */
export interface NewSimulatorOperation<Operation> {
  attemptId: string;
  providerId: string;
  generationId: string;
  operation: Operation;
}

/**
 * Typed data access for `simulator_operations`, the simulator's "provider side" ledger. The
 * simulator owns the shape of an operation, so it hands in the schema its JSON is read back with.
 */
export class SimulatorOperationRepository<Operation> {
  private readonly rowSchema: z.ZodType<{ operation: Operation }>;

  constructor(
    private readonly database: Database,
    operationSchema: z.ZodType<Operation>,
  ) {
    this.rowSchema = z.object({ operation: operationSchema });
  }

  /**
   * Stores a submission, idempotent on attempt id: a resubmission counts itself and returns
   * the first operation unchanged.
   */
  async insertOrCount(submission: NewSimulatorOperation<Operation>): Promise<Operation> {
    const { rows } = await this.database.query(
      `INSERT INTO simulator_operations (attempt_id, provider_id, generation_id, operation)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (attempt_id) DO UPDATE SET submit_count = simulator_operations.submit_count + 1
       RETURNING operation`,
      [
        submission.attemptId,
        submission.providerId,
        submission.generationId,
        JSON.stringify(submission.operation),
      ],
    );
    return this.rowSchema.parse(rows[0]).operation;
  }

  /** The operation stored for an attempt, if it was ever submitted. */
  async find(attemptId: string): Promise<Operation | undefined> {
    const { rows } = await this.database.query(
      'SELECT operation FROM simulator_operations WHERE attempt_id = $1',
      [attemptId],
    );
    return rows[0] ? this.rowSchema.parse(rows[0]).operation : undefined;
  }
}
