import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { backends } from '../../../test/helpers/test-database.js';
import { SimulatorOperationRepository } from './simulator-operation-repository.js';

const OperationSchema = z.object({ attemptId: z.string(), latencyMs: z.number() });

describe.each(backends)('SimulatorOperationRepository on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let operations: SimulatorOperationRepository<z.infer<typeof OperationSchema>>;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    operations = new SimulatorOperationRepository(opened.database, OperationSchema);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should find nothing for an attempt never submitted', async () => {
    expect(await operations.find('attempt_unknown')).toBeUndefined();
  });

  it('should return the first operation on a resubmission and count both', async () => {
    const submission = { attemptId: 'attempt_1', providerId: 'sim', generationId: 'gen_1' };
    const first = await operations.insertOrCount({
      ...submission,
      operation: { attemptId: 'attempt_1', latencyMs: 100 },
    });
    const again = await operations.insertOrCount({
      ...submission,
      operation: { attemptId: 'attempt_1', latencyMs: 999 },
    });
    expect(first).toEqual({ attemptId: 'attempt_1', latencyMs: 100 });
    expect(again).toEqual(first);
    expect(await operations.find('attempt_1')).toEqual(first);
    const { rows } = await opened.database.query<{ submit_count: number }>(
      `SELECT submit_count FROM simulator_operations WHERE attempt_id = 'attempt_1'`,
    );
    expect(rows[0]?.submit_count).toBe(2);
  });

  it('should reject a stored operation that does not match the schema', async () => {
    await opened.database.query(
      `INSERT INTO simulator_operations (attempt_id, provider_id, generation_id, operation)
       VALUES ('attempt_bad', 'sim', 'gen_2', '{"attemptId": 7}')`,
    );
    await expect(operations.find('attempt_bad')).rejects.toThrow();
  });
});
