import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postJson } from '../helpers/http-client.js';
import { admin, adminKey, gatewayConfig, rolloutBody } from '../helpers/rollout-scenario.js';
import { rolloutHarness, type RolloutHarness } from '../helpers/rollout-harness.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const cliPath = path.resolve(import.meta.dirname, '../../bin/switchyard.js');

const SnapshotLine = z.object({
  id: z.string(),
  status: z.string(),
  stage: z.number(),
  stages: z.number(),
  canary_weight: z.number(),
  weights: z.record(z.string(), z.number()),
  split: z.looseObject({ requests: z.number() }),
  guardrails: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      value: z.number().nullable(),
      limit: z.number().nullable(),
      samples: z.number(),
    }),
  ),
  last_decision: z
    .object({ at: z.string(), decision: z.string(), stage: z.number(), actor: z.string() })
    .nullable(),
  reason: z.string().nullable(),
});

/** The CLI as a child process whose output the test reads as it comes. */
function startCli(file: string, args: string[]) {
  const child = spawn(file, args, {
    env: {
      ...process.env,
      SWITCHYARD_ADMIN_KEY: adminKey,
      SWITCHYARD_CLI_SOURCE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { test: (text: string) => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters])
      if (waiter.test(stdout)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stdout so far satisfies `test` (the watch printed what was awaited). */
    until: (test: (text: string) => boolean) =>
      new Promise<void>((resolve) => {
        waiters.push({ test, resolve });
        check();
      }),
    kill: () => child.kill(),
  };
}

describe('switchyard rollout watch', { timeout: 180_000 }, () => {
  let test: TestGateway;
  let harness: RolloutHarness;
  const running: ReturnType<typeof startCli>[] = [];
  const watch = (args: string[]) => {
    const started = startCli(process.execPath, [cliPath, '--url', test.url, ...args]);
    running.push(started);
    return started;
  };
  const decide = async (id: string, action: string) => {
    const response = await postJson(`${test.url}/admin/rollouts/${id}/${action}`, {}, admin);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  const start = async (stages: { weight: number; minDurationSeconds: number }[]) => {
    const response = await postJson(`${test.url}/admin/rollouts`, rolloutBody(stages), admin);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return z.object({ id: z.string() }).parse(response.body).id;
  };

  beforeAll(async () => {
    test = await startTestGateway('pglite', gatewayConfig());
    harness = rolloutHarness(test);
  });
  afterAll(async () => {
    for (const child of running) child.kill();
    await harness?.stop();
    await test?.close();
  });

  it('should emit one JSON line per change and exit 2 when the rollout is rolled back', async () => {
    const id = await start([
      { weight: 0.1, minDurationSeconds: 3600 },
      { weight: 1, minDurationSeconds: 0 },
    ]);
    const cli = watch(['--json', 'rollout', 'watch', id, '--interval', '200ms']);
    const lines = () =>
      cli
        .output()
        .stdout.split('\n')
        .filter(Boolean)
        .map((line) => SnapshotLine.parse(JSON.parse(line)));
    await cli.until((text) => text.includes('"status":"active"'));
    // An evaluation fills in the guardrails (no traffic: no samples yet, the limits shown).
    await harness.tick();
    await cli.until((text) => text.includes('"name":"p95_latency"'));
    await decide(id, 'pause');
    await cli.until((text) => text.includes('"status":"paused"'));
    await decide(id, 'rollback');
    expect(await cli.exited).toBe(2);
    const seen = lines();
    expect(seen[0]).toMatchObject({
      id,
      status: 'active',
      stage: 1,
      stages: 2,
      canary_weight: 0.1,
    });
    expect(seen[0]!.last_decision).toMatchObject({ decision: 'started', stage: 1 });
    expect(seen.map((line) => line.status)).toEqual(
      expect.arrayContaining(['active', 'paused', 'rolled_back']),
    );
    // A line only per change: no two neighbours alike, however many polls there were.
    for (let index = 1; index < seen.length; index++)
      expect(seen[index]).not.toEqual(seen[index - 1]);
    const withGuardrails = seen.find((line) => line.guardrails.length > 0)!;
    expect(withGuardrails.guardrails.find((check) => check.name === 'failure_rate')).toMatchObject({
      limit: 0.02,
      samples: 0,
    });
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ status: 'rolled_back', weights: { fal: 1, runware: 0 } });
    expect(last.last_decision).toMatchObject({ decision: 'rolled_back' });
  });

  it('should print plain blocks when not on a terminal and exit 0 when completed', async () => {
    const id = await start([
      { weight: 0.5, minDurationSeconds: 3600 },
      { weight: 1, minDurationSeconds: 0 },
    ]);
    const cli = watch(['rollout', 'watch', id, '--interval', '200ms']);
    await cli.until((text) => text.includes('stage 1/2'));
    await decide(id, 'promote');
    await cli.until((text) => text.includes('stage 2/2'));
    await decide(id, 'promote');
    expect(await cli.exited).toBe(0);
    const { stdout } = cli.output();
    expect(stdout).toContain(`${id}  active  stage 1/2 at 50`);
    expect(stdout).toMatch(/split: fal .*, runware .* \(\d+ requests\)/);
    expect(stdout).toContain('last decision: completed');
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/\x1b\[/);
    expect(stdout.trim().startsWith('{')).toBe(false);
  });

  it('should redraw in place on a terminal', async () => {
    const id = await start([
      { weight: 0.5, minDurationSeconds: 3600 },
      { weight: 1, minDurationSeconds: 0 },
    ]);
    const command = [process.execPath, cliPath, '--url', test.url, 'rollout', 'watch', id]
      .concat(['--interval', '200ms'])
      .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
      .join(' ');
    // util-linux `script` gives the CLI a pseudo-terminal, as a person's shell would.
    const cli = startCli('script', ['-qec', command, '/dev/null']);
    running.push(cli);
    await cli.until((text) => text.includes('stage 1/2'));
    await decide(id, 'rollback');
    expect(await cli.exited).toBe(2);
    const { stdout } = cli.output();
    // Moved up over the previous block and cleared it before drawing the new one.
    expect(stdout).toMatch(/\x1b\[\d+F\x1b\[J/);
    expect(stdout).toContain('rolled_back');
  });

  it('should explain itself with --help, with an example', async () => {
    const cli = watch(['rollout', 'watch', '--help']);
    expect(await cli.exited).toBe(0);
    const { stdout } = cli.output();
    expect(stdout.replace(/\s+/g, ' ')).toContain('exits 0 when completed, 2 when rolled back');
    expect(stdout).toContain('switchyard rollout watch ro_');
    expect(stdout).toContain('--interval');
  });
});
