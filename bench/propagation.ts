import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createBenchDatabase } from './support/bench-database.js';
import { parseBenchArgs, sleep } from './support/cli.js';
import { startGatewayChild, type GatewayChild } from './support/gateway-child.js';
import { note, printTable, printTargets, writeResult, type TargetCheck } from './support/report.js';
import { round, summarize, type Summary } from './support/stats.js';

/**
 * Issue figure: "the propagation delay of a config change across two processes".
 *
 * Two gateway processes (`src/main.ts`) share one PostgreSQL database. Their backstop reload is
 * 30 s, so anything faster can only be the audit trigger's NOTIFY. Each change uses new weight
 * values, so "visible" can never be confused with an earlier change:
 *
 * - through the admin API of A (`PUT /admin/routing/weights`), timed until B's
 *   `GET /admin/routing` shows it;
 * - by plain SQL (`UPDATE feature_flags … WHERE flag_key = 'GEN_PROVIDER_WEIGHTS'`), timed on
 *   both instances, as an operator's runbook or another tool would change it.
 *
 * Each instance is polled every 2 ms, one request at a time.
 */

const adminKey = 'bench-admin-key-propagation';
const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
const pollEveryMs = 2;
const giveUpMs = 10_000;

interface Routing {
  weights: Record<string, number>;
}

/** Polls an instance until its routing view has `runware` at `expected`; returns performance.now(). */
async function visibleAt(url: string, expected: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const pollStarted = performance.now();
    const response = await fetch(`${url}/admin/routing`, { headers });
    const routing = (await response.json()) as Routing;
    if (routing.weights.runware === expected) return performance.now();
    if (performance.now() - started > giveUpMs)
      throw new Error(`${url} never showed runware=${expected}: ${JSON.stringify(routing)}`);
    await sleep(Math.max(0, pollEveryMs - (performance.now() - pollStarted)));
  }
}

/** Polls `GET /v1/me` with `key` until it is accepted (or refused); returns performance.now(). */
async function keyWorksOn(url: string, key: string, accepted: boolean): Promise<number> {
  const started = performance.now();
  for (;;) {
    const pollStarted = performance.now();
    const response = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    await response.arrayBuffer();
    if ((response.status === 200) === accepted) return performance.now();
    if (performance.now() - started > giveUpMs)
      throw new Error(`${url} never ${accepted ? 'accepted' : 'refused'} the key`);
    await sleep(Math.max(0, pollEveryMs - (performance.now() - pollStarted)));
  }
}

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const changes = 20;
  process.stdout.write(
    `propagation: two gateway processes on one PostgreSQL, ${changes} admin-API and ${changes} SQL changes${quick ? ' (quick: same count, it is short)' : ''}\n`,
  );
  const database = await createBenchDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-propagation-'));
  const config = {
    providers: [
      { id: 'fal', type: 'simulator', models: ['sim-image'] },
      { id: 'runware', type: 'simulator', models: ['sim-image'] },
    ],
    // Slow on purpose: only NOTIFY can explain a change seen in well under 30 s.
    routing: { reloadIntervalSeconds: 30 },
    health: { checkIntervalSeconds: 0 },
  };
  const gateways: GatewayChild[] = [];
  try {
    for (let index = 0; index < 2; index++) {
      gateways.push(
        await startGatewayChild({
          databaseUrl: database.url,
          dataDir,
          config,
          env: { SWITCHYARD_ADMIN_KEY: adminKey },
        }),
      );
    }
    const [a, b] = gateways as [GatewayChild, GatewayChild];

    const putAnswered: number[] = [];
    const adminToB: number[] = [];
    const adminToBAfterAnswer: number[] = [];
    for (let change = 1; change <= changes; change++) {
      // New values every time (fal 99/runware 1, fal 98/runware 2, …): alternating, never repeated.
      const weights = { fal: 100 - change, runware: change };
      const started = performance.now();
      const seenOnB = visibleAt(b.url, change);
      const response = await fetch(`${a.url}/admin/routing/weights`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ weights, reason: 'propagation benchmark' }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`PUT answered ${response.status}`);
      const answered = performance.now();
      const visible = await seenOnB;
      putAnswered.push(answered - started);
      adminToB.push(visible - started);
      adminToBAfterAnswer.push(visible - answered);
      await sleep(50);
    }

    const sqlCommitted: number[] = [];
    const sqlToA: number[] = [];
    const sqlToB: number[] = [];
    const sqlToBoth: number[] = [];
    for (let change = 1; change <= changes; change++) {
      const runware = 50 + change;
      const text = JSON.stringify({ fal: 100 - runware, runware });
      const started = performance.now();
      const [seenOnA, seenOnB] = [visibleAt(a.url, runware), visibleAt(b.url, runware)];
      const updated = await database.rows(
        `UPDATE feature_flags SET flag_value_text = $1 WHERE flag_key = 'GEN_PROVIDER_WEIGHTS' RETURNING flag_key`,
        [text],
      );
      sqlCommitted.push(performance.now() - started);
      if (updated.length !== 1) throw new Error('the GEN_PROVIDER_WEIGHTS row is missing');
      const [onA, onB] = await Promise.all([seenOnA, seenOnB]);
      sqlToA.push(onA - started);
      sqlToB.push(onB - started);
      sqlToBoth.push(Math.max(onA, onB) - started);
      await sleep(50);
    }

    // Issue 9: a key revoked on A stops working on B (the key cache's NOTIFY path).
    const created = await fetch(`${a.url}/admin/tenants`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'bench-revocation' }),
    });
    if (created.status !== 201) throw new Error(`tenant create answered ${created.status}`);
    const revokeAnswered: number[] = [];
    const revokeToB: number[] = [];
    for (let change = 1; change <= changes; change++) {
      const keyAnswer = await fetch(`${a.url}/admin/keys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ tenant: 'bench-revocation', name: `key-${change}` }),
      });
      if (keyAnswer.status !== 201)
        throw new Error(`key create answered ${keyAnswer.status}: ${await keyAnswer.text()}`);
      const key = (await keyAnswer.json()) as { id: string; key: string };
      await keyWorksOn(b.url, key.key, true);
      const started = performance.now();
      const revokedOnB = keyWorksOn(b.url, key.key, false);
      // Settled below; never left to reject on its own after a failure elsewhere.
      revokedOnB.catch(() => undefined);
      const revoked = await fetch(`${a.url}/admin/keys/${key.id}`, {
        method: 'DELETE',
        headers: { authorization: headers.authorization },
      });
      await revoked.arrayBuffer();
      if (revoked.status >= 300) throw new Error(`revoke answered ${revoked.status}`);
      revokeAnswered.push(performance.now() - started);
      revokeToB.push((await revokedOnB) - started);
      await sleep(50);
    }

    const rows: [string, Summary][] = [
      ['admin PUT on A: answered', summarize(putAnswered)],
      ['admin PUT on A → visible on B', summarize(adminToB)],
      ['  (B visible − A answered)', summarize(adminToBAfterAnswer)],
      ['SQL UPDATE: committed', summarize(sqlCommitted)],
      ['SQL UPDATE → visible on A', summarize(sqlToA)],
      ['SQL UPDATE → visible on B', summarize(sqlToB)],
      ['SQL UPDATE → visible on both', summarize(sqlToBoth)],
      ['key revoke on A: answered', summarize(revokeAnswered)],
      ['key revoke on A → refused on B', summarize(revokeToB)],
    ];
    printTable(
      `Propagation (ms, ${changes} changes each, instances polled every ${pollEveryMs} ms)`,
      ['path', 'p50', 'p99', 'max', 'mean'],
      rows.map(([label, summary]) => [
        label,
        round(summary.p50),
        round(summary.p99),
        round(summary.max),
        round(summary.mean),
      ]),
    );
    note(
      '"visible" is the first poll answer showing the new weights; polling adds up to ~2 ms plus one request.',
    );
    note(
      'a negative "B visible − A answered" means B applied the change before A finished answering the PUT.',
    );
    note(`with ${changes} samples the nearest-rank p99 is the maximum.`);
    const worst = Math.max(...adminToB, ...sqlToBoth);
    const worstRevoke = Math.max(...revokeToB);
    const targets: TargetCheck[] = [
      {
        name: 'propagation to every instance, worst case (no issue target)',
        target: '< 1,000 ms (control plane docs: "within a second")',
        measured: `${round(worst)} ms`,
        met: worst < 1000,
      },
      {
        name: 'key revocation on A refused on B, worst case (issue 9)',
        target: '< 1,000 ms',
        measured: `${round(worstRevoke)} ms`,
        met: worstRevoke < 1000,
      },
    ];
    printTargets(targets);
    await writeResult('propagation', {
      quick,
      changes,
      pollEveryMs,
      summaries: Object.fromEntries(rows.map(([label, summary]) => [label.trim(), summary])),
      samples: {
        putAnswered,
        adminToB,
        adminToBAfterAnswer,
        sqlCommitted,
        sqlToA,
        sqlToB,
        sqlToBoth,
        revokeAnswered,
        revokeToB,
      },
      targets,
    });
  } finally {
    for (const gateway of gateways) await gateway.stop();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
