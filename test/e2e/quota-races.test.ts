import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { tenantFixtures } from '../helpers/tenant-fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import {
  LedgerRepository,
  releaseReservation,
} from '../../src/store/repositories/ledger-repository.js';

const adminKey = 'quota-races-admin-key';
const config = {
  adminKey,
  providers: [
    {
      id: 'simulator',
      type: 'simulator' as const,
      costPerImage: 0.25,
      latencyMs: { p50: 20, p95: 40 },
    },
  ],
};
const image = { model: 'sim-image', prompt: 'a balloon', width: 64, height: 64 };

interface LedgerRow {
  job_id: string | null;
  kind: string;
  amount_usd: string;
}

describe('quota races on PostgreSQL', () => {
  let gateway: TestGateway;
  let second: TestGateway;
  let sql: pg.Pool;
  let fixtures: ReturnType<typeof tenantFixtures>;
  const ledgerOf = async (tenantId: string) =>
    (
      await sql.query<LedgerRow>(
        'SELECT job_id, kind, amount_usd FROM ledger WHERE tenant_id = $1 ORDER BY id',
        [tenantId],
      )
    ).rows;

  const patchProfile = (profile: Record<string, unknown>) =>
    fetch(`${gateway.url}/admin/providers/simulator`, {
      method: 'PATCH',
      headers: { ...fixtures.admin, 'content-type': 'application/json' },
      body: JSON.stringify(profile),
    });

  beforeAll(async () => {
    gateway = await startTestGateway('postgres', config);
    second = await startTestGateway('postgres', config, {
      databaseUrl: gateway.databaseUrl,
      runWorkers: false,
    });
    sql = new pg.Pool({ connectionString: gateway.databaseUrl, max: 4 });
    fixtures = tenantFixtures(gateway.url, adminKey);
  });
  afterAll(async () => {
    await sql?.end();
    await second?.close();
    await gateway?.close();
  });

  it('should accept exactly 10 of 100 concurrent requests against a balance for 10, on two instances', async () => {
    const { tenant, key } = await fixtures.tenantWithKey({ name: 'racer', balance_usd: 2.5 });
    const headers = { authorization: `Bearer ${key}` };
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        postJson(`${(index % 2 ? second : gateway).url}/v1/generations`, image, headers),
      ),
    );
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 402);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(90);
    for (const answer of refused) {
      const { error } = ErrorBody.parse(answer.body);
      expect(error.code).toBe('insufficient_quota');
      // Jobs accepted first may have settled already, so the balance shown varies; what is
      // left never covers one more estimate.
      expect(error.details).toMatchObject({ estimate_usd: 0.25 });
      expect(error.details?.available_usd).toBeLessThan(0.25);
      expect(error.details?.balance_usd).toBeLessThanOrEqual(2.5);
    }
    const ids = accepted.map((answer) => JobBody.parse(answer.body).id);
    const jobs = await Promise.all(
      ids.map(async (id) =>
        JobBody.parse((await getJson(`${gateway.url}/v1/generations/${id}?wait=30`, headers)).body),
      ),
    );
    expect(jobs.map((job) => job.status)).toEqual(Array(10).fill('succeeded'));
    // Settlement equals the provider's actual cost, job by job.
    const ledger = await ledgerOf(tenant.id);
    for (const job of jobs) {
      const settlement = ledger.find((row) => row.job_id === job.id && row.kind === 'settlement');
      expect(Number(settlement?.amount_usd)).toBe(job.cost.actual_usd);
      expect(job.cost.actual_usd).toBe(0.25);
    }
    expect(ledger.filter((row) => row.kind === 'reservation')).toHaveLength(10);
    expect(ledger.filter((row) => row.kind === 'refund')).toHaveLength(0);
    expect(await fixtures.tenant(tenant.id)).toMatchObject({ balance_usd: 0, reserved_usd: 0 });
  });

  it('should refund a failed job exactly once and leave the balance as it was', async () => {
    const { tenant, key } = await fixtures.tenantWithKey({ name: 'failing', balance_usd: 1 });
    const patch = (failureRate: number) => patchProfile({ failureRate });
    expect((await patch(1)).status).toBe(200);
    try {
      const answer = await postJson(`${gateway.url}/v1/generations?wait=30`, image, {
        authorization: `Bearer ${key}`,
      });
      const job = JobBody.parse(answer.body);
      expect(job.status).toBe('failed');
      const ledger = await ledgerOf(tenant.id);
      expect(ledger.map((row) => row.kind)).toEqual(['reservation', 'refund']);
      expect(Number(ledger[1]!.amount_usd)).toBe(0.25);
      expect(await fixtures.tenant(tenant.id)).toMatchObject({ balance_usd: 1, reserved_usd: 0 });
    } finally {
      await patch(0);
    }
  });

  it('should release a reservation once when two instances release it at the same moment', async () => {
    const { tenant, key } = await fixtures.tenantWithKey({ name: 'twice', balance_usd: 1 });
    const answer = await postJson(`${gateway.url}/v1/generations?wait=30`, image, {
      authorization: `Bearer ${key}`,
    });
    const job = JobBody.parse(answer.body);
    // Reopen the finished job's reservation, as a crash between its end and its release would
    // leave it, and put the balance back as it was before the settlement.
    await sql.query(
      `UPDATE ledger SET released_at = NULL WHERE job_id = $1 AND kind = 'reservation'`,
      [job.id],
    );
    await sql.query(`DELETE FROM ledger WHERE job_id = $1 AND kind = 'settlement'`, [job.id]);
    await sql.query(
      `UPDATE tenants SET reserved_usd = reserved_usd + 0.25, balance_usd = balance_usd + 0.25 WHERE id = $1`,
      [tenant.id],
    );
    const released = await Promise.all(
      [gateway, second].map((instance) =>
        instance.gateway.database.transaction((transaction) =>
          releaseReservation(transaction, job.id, {
            kind: 'settlement',
            actualUsd: 0.25,
            provider: 'simulator',
          }),
        ),
      ),
    );
    expect(released.filter(Boolean)).toHaveLength(1);
    // The backstop of both instances' supervisors finds nothing left to release.
    const backstops = await Promise.all(
      [gateway, second].map((instance) =>
        new LedgerRepository(instance.gateway.database).releaseEnded(100),
      ),
    );
    expect(backstops).toEqual([0, 0]);
    const kinds = (await ledgerOf(tenant.id)).map((row) => row.kind);
    expect(kinds).toEqual(['reservation', 'settlement']);
    expect(await fixtures.tenant(tenant.id)).toMatchObject({ balance_usd: 0.75, reserved_usd: 0 });
  });

  it('should make a second refund or a settlement after a refund impossible in the schema', async () => {
    const { tenant } = await fixtures.tenantWithKey({ name: 'schema', balance_usd: 1 });
    const insert = (id: string, kind: string) =>
      sql.query(
        `INSERT INTO ledger (id, tenant_id, job_id, kind, amount_usd, accounted_at)
         VALUES ($1, $2, 'gen_schema_test', $3, 0.25, now())`,
        [id, tenant.id, kind],
      );
    await insert('ledger_a', 'refund');
    await expect(insert('ledger_b', 'refund')).rejects.toMatchObject({ code: '23505' });
    await expect(insert('ledger_c', 'settlement')).rejects.toMatchObject({ code: '23505' });
  });

  it('should refund jobs ended by plain SQL exactly once when both instances run the backstop', async () => {
    const { tenant, key } = await fixtures.tenantWithKey({ name: 'plainsql', balance_usd: 1 });
    expect((await patchProfile({ latencyMs: { p50: 600_000, p95: 600_000 } })).status).toBe(200);
    try {
      const slow = await postJson(`${gateway.url}/v1/generations`, image, {
        authorization: `Bearer ${key}`,
      });
      const id = JobBody.parse(slow.body).id;
      // Ended outside the gateway's paths (plain SQL): nothing released its reservation.
      const ended = await sql.query(
        `UPDATE generations SET status = 'failed', completed_at = now() WHERE id = $1`,
        [id],
      );
      expect(ended.rowCount).toBe(1);
      expect((await fixtures.tenant(tenant.id)).reserved_usd).toBe(0.25);
      const released = await Promise.all(
        [gateway, second].map((instance) =>
          new LedgerRepository(instance.gateway.database).releaseEnded(100),
        ),
      );
      expect(released.reduce((sum, count) => sum + count, 0)).toBe(1);
    } finally {
      await patchProfile({ latencyMs: { p50: 20, p95: 40 } });
    }
    const kinds = (await ledgerOf(tenant.id)).map((row) => row.kind);
    expect(kinds).toEqual(['reservation', 'refund']);
    expect(await fixtures.tenant(tenant.id)).toMatchObject({ balance_usd: 1, reserved_usd: 0 });
  });
});
