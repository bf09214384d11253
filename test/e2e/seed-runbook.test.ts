import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../helpers/http-client.js';
import { JobBody, RoutingBody } from '../helpers/api-schemas.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import * as runbook from '../fixtures/s2-runbook.js';

const adminKey = 'seed-runbook-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
const config = {
  adminKey,
  providers: [
    { id: 'fal', type: 'simulator', latencyMs: { p50: 0, p95: 0 }, models: ['sim-image'] },
    { id: 'runware', type: 'simulator', latencyMs: { p50: 0, p95: 0 }, models: ['sim-image'] },
  ],
  routing: { strategy: 'weighted' as const, reloadIntervalSeconds: 3600 },
  health: { checkIntervalSeconds: 0 },
};

/** Reads an instance's routing view until its weights are `expected` (NOTIFY; no reload). */
async function weightsOn(instance: TestGateway, expected: Record<string, number>) {
  for (;;) {
    const routing = RoutingBody.parse((await getJson(`${instance.url}/admin/routing`, admin)).body);
    if (JSON.stringify(routing.weights) === JSON.stringify(expected)) return routing;
  }
}

/** The providers that served a few generations sent through `instance`. */
async function servedBy(instance: TestGateway, count: number): Promise<Set<string>> {
  const providers = new Set<string>();
  for (let index = 0; index < count; index++) {
    const response = await postJson(
      `${instance.url}/v1/generations?wait=30`,
      { model: 'sim-image', prompt: `runbook ${index}`, width: 64, height: 64, user: `u${index}` },
      admin,
    );
    expect(response.status).toBe(200);
    providers.add(JobBody.parse(response.body).provider ?? 'none');
  }
  return providers;
}

describe('the S2 runbook, statement for statement, on PostgreSQL with two instances', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let client: pg.Client;
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    first = await startTestGateway('postgres', config, { databaseUrl: database.url });
    second = await startTestGateway('postgres', config, { databaseUrl: database.url });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await second?.close();
    await first?.close();
    await database?.drop();
  });

  it('should route by the D1 weights that the runbook inserts with flag_value = false', async () => {
    await client.query(runbook.d1);
    const row = await client.query<{ flag_value: boolean; weights: string }>(
      runbook.currentWeights.replace(
        'flag_value_text as weights',
        'flag_value, flag_value_text as weights',
      ),
    );
    expect(row.rows[0]).toMatchObject({ flag_value: false, weights: '{"fal":0.9,"runware":0.1}' });
    for (const instance of [first, second]) {
      const routing = await weightsOn(instance, { fal: 0.9, runware: 0.1 });
      expect(routing.errors).toEqual([]);
    }
  });

  it('should move every instance through D2 and D3, and D3 sends all traffic to Runware', async () => {
    await client.query(runbook.d2);
    for (const instance of [first, second]) await weightsOn(instance, { fal: 0.5, runware: 0.5 });
    await client.query(runbook.d3);
    for (const instance of [first, second]) await weightsOn(instance, { fal: 0, runware: 1 });
    expect(await servedBy(first, 4)).toEqual(new Set(['runware']));
    expect(await servedBy(second, 4)).toEqual(new Set(['runware']));
  });

  it.each([
    ['the staged plan', runbook.rollback],
    ['the incident section', runbook.manualRollback],
    ['the guardrail section (no description)', runbook.rollbackWithoutDescription],
  ])('should roll every instance back to fal with the rollback of %s', async (_name, statement) => {
    await client.query(runbook.d3);
    for (const instance of [first, second]) await weightsOn(instance, { fal: 0, runware: 1 });
    await client.query(statement);
    for (const instance of [first, second]) await weightsOn(instance, { fal: 1, runware: 0 });
    expect(await servedBy(second, 3)).toEqual(new Set(['fal']));
  });

  it('should audit every runbook statement as plain SQL', async () => {
    const audit = await client.query<{ actor: string; weights: string }>(
      `SELECT actor, new_value->>'flag_value_text' AS weights FROM control_plane_audit
       WHERE flag_key = 'GEN_PROVIDER_WEIGHTS' ORDER BY id`,
    );
    expect(audit.rows.map((row) => row.actor)).toEqual(Array(audit.rows.length).fill('sql'));
    expect(audit.rows.map((row) => row.weights).slice(0, 3)).toEqual([
      '{"fal":0.9,"runware":0.1}',
      '{"fal":0.5,"runware":0.5}',
      '{"fal":0.0,"runware":1.0}',
    ]);
  });

  it("should show the runbook's D1 statement in the README exactly as the runbook writes it", async () => {
    const readme = await readFile(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`sql\n${runbook.d1}\n\`\`\``);
  });
});
