import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { settleAcknowledgements } from './queue-acknowledgements.js';

const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as {
  completeJobs(schema: string): string;
  failJobsById(schema: string): string;
};
const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});

describe('settleAcknowledgements', () => {
  it('should retry a completion through a transient failure and return its result', async () => {
    let calls = 0;
    const executeSql = settleAcknowledgements(
      'pgboss',
      async () => {
        calls++;
        if (calls === 1) throw terminated;
        return { rows: [{ count: '1' }], rowCount: 1 };
      },
      () => undefined,
    );
    const result = await executeSql(plans.completeJobs('pgboss'), ['q', ['id'], null]);
    expect(result.rows).toEqual([{ count: '1' }]);
    expect(calls).toBe(2);
  });

  it('should resolve a failing acknowledgement as nothing affected and report it', async () => {
    const reported: unknown[] = [];
    const executeSql = settleAcknowledgements(
      'pgboss',
      async () => {
        throw new Error('relation does not exist');
      },
      (error) => reported.push(error),
    );
    const result = await executeSql(plans.failJobsById('pgboss'), ['q', ['id'], null]);
    expect(result.rowCount).toBe(0);
    expect(reported).toHaveLength(1);
  });

  it('should leave every other statement to reject as usual', async () => {
    const executeSql = settleAcknowledgements(
      'pgboss',
      async () => {
        throw terminated;
      },
      () => undefined,
    );
    await expect(executeSql('SELECT 1')).rejects.toBe(terminated);
  });
});
