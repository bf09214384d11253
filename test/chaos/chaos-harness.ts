import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

/** What one chaos scenario measured; `npm run chaos` prints one row per scenario. */
export interface ChaosResult {
  scenario: string;
  /** Jobs answered 202/200 (durably accepted). */
  accepted: number;
  /** Accepted jobs in a terminal state at the end, by status. */
  finished: Record<string, number>;
  /** Accepted jobs the provider side saw submitted more than once. */
  duplicates: number;
  /** Refusals and transport errors clients saw, by `status code` or error name. */
  clientErrors: Record<string, number>;
  /** From the end of the fault to ready and serving again, with no one intervening (ms). */
  recoveryMs: number | undefined;
  /** The gateway process(es) still running, or restarted by the harness as a supervisor would. */
  notes: string;
}

const terminal = new Set(['succeeded', 'failed', 'canceled']);

/** Polls until `check` gives a value, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Counts what clients heard, for the table. */
export class ClientLedger {
  readonly accepted: string[] = [];
  readonly errors: Record<string, number> = {};

  /** Posts one generation and records its outcome; never throws. */
  async post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    try {
      const response = await postJson(url, body, headers);
      if (response.status === 200 || response.status === 202) {
        this.accepted.push(JobBody.parse(response.body).id);
        return;
      }
      const parsed = ErrorBody.safeParse(response.body);
      this.count(`${response.status} ${parsed.success ? parsed.data.error.code : 'no envelope'}`);
    } catch (error) {
      this.count(
        (error as Error).name === 'TypeError' ? 'connection failed' : String(error).slice(0, 60),
      );
    }
  }

  count(key: string): void {
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }
}

/** A fresh PostgreSQL database and data dir for one scenario, with a SQL client on it. */
export async function scenarioDatabase(): Promise<{
  url: string;
  name: string;
  dataDir: string;
  sql: pg.Client;
  close: () => Promise<void>;
}> {
  const database = await createPostgresDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-chaos-'));
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  return {
    url: database.url,
    name: new URL(database.url).pathname.slice(1),
    dataDir,
    sql,
    async close() {
      await sql.end().catch(() => undefined);
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits for every accepted job to end, then counts statuses and provider-side duplicates. */
export async function settle(
  sql: pg.Client,
  ids: readonly string[],
  timeoutMs = 180_000,
): Promise<{ finished: Record<string, number>; duplicates: number; unfinished: number }> {
  const read = async () =>
    (
      await sql.query<{ status: string; count: number }>(
        'SELECT status, count(*)::int AS count FROM generations WHERE id = ANY($1) GROUP BY status',
        [ids],
      )
    ).rows;
  await eventually(
    'every accepted job to finish',
    async () => ((await read()).every((row) => terminal.has(row.status)) ? true : undefined),
    timeoutMs,
  ).catch(() => undefined);
  const rows = await read();
  const { rows: ledger } = await sql.query<{ duplicates: number }>(
    `SELECT count(*)::int AS duplicates FROM (
       SELECT generation_id FROM simulator_operations WHERE generation_id = ANY($1)
       GROUP BY generation_id HAVING count(*) > 1 OR sum(submit_count) > 1) doubled`,
    [ids],
  );
  return {
    finished: Object.fromEntries(
      rows.filter((row) => terminal.has(row.status)).map((row) => [row.status, row.count]),
    ),
    duplicates: ledger[0]!.duplicates,
    unfinished: rows
      .filter((row) => !terminal.has(row.status))
      .reduce((sum, row) => sum + row.count, 0),
  };
}

/** Time until `/readyz` is 200 and a waited-for generation succeeds on `url`. */
export async function timeToServe(
  url: string,
  since: number,
  headers: Record<string, string> = {},
): Promise<number> {
  await eventually('ready and serving', async () => {
    if ((await getJson(`${url}/readyz`)).status !== 200) return undefined;
    const response = await postJson(
      `${url}/v1/generations?wait=20`,
      { model: 'sim-image', prompt: 'serving again', width: 64, height: 64 },
      headers,
    );
    return JobBody.safeParse(response.body).data?.status === 'succeeded' ? true : undefined;
  });
  return Date.now() - since;
}

export const sampleImage = (tag: string) => ({
  model: 'sim-image',
  prompt: tag,
  width: 64,
  height: 64,
});
