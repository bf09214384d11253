import { z } from 'zod';
import type { Database } from '../database.js';
import { GroupCommit } from '../group-commit.js';

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
  /** Submissions made at once share one statement (group commit), as a busy provider's would. */
  private readonly inserts: GroupCommit<NewSimulatorOperation<Operation>, Operation>;

  constructor(
    private readonly database: Database,
    operationSchema: z.ZodType<Operation>,
  ) {
    this.rowSchema = z.object({ operation: operationSchema });
    this.inserts = new GroupCommit((submissions) => this.insertMany(submissions));
  }

  /**
   * Stores a submission, idempotent on attempt id: a resubmission counts itself and returns
   * the first operation unchanged.
   */
  insertOrCount(submission: NewSimulatorOperation<Operation>): Promise<Operation> {
    return this.inserts.submit(submission);
  }

  // One attempt twice in a batch makes PostgreSQL refuse the statement (a row affected twice);
  // the group commit then retries the batch one by one, which counts both.
  private async insertMany(
    submissions: readonly NewSimulatorOperation<Operation>[],
  ): Promise<Operation[]> {
    const { rows } = await this.database.query<{ attempt_id: string; operation: unknown }>(
      `INSERT INTO simulator_operations (attempt_id, provider_id, generation_id, operation)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
       ON CONFLICT (attempt_id) DO UPDATE SET submit_count = simulator_operations.submit_count + 1
       RETURNING attempt_id, operation`,
      [
        submissions.map((submission) => submission.attemptId),
        submissions.map((submission) => submission.providerId),
        submissions.map((submission) => submission.generationId),
        submissions.map((submission) => JSON.stringify(submission.operation)),
      ],
    );
    const stored = new Map(rows.map((row) => [row.attempt_id, row]));
    return submissions.map(
      (submission) => this.rowSchema.parse(stored.get(submission.attemptId)).operation,
    );
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
