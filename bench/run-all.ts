import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBenchArgs } from './support/cli.js';
import { repositoryRoot } from './support/gateway-child.js';
import { printTable, resultsDirectory, type TargetCheck } from './support/report.js';

/**
 * Runs every benchmark in sequence (`npm run bench`, or `npm run bench -- --quick`), each in
 * its own Node process so that one's leftovers (heap, timers, sockets) cannot colour the next,
 * and a failure in one does not stop the others. Ends with every target's verdict.
 */

const benchmarks = [
  'job-creation',
  'in-flight',
  'openai-proxy',
  'routing-decision',
  'propagation',
  'guardrail-evaluation',
  'rollout-judgement',
  'quota-overhead',
] as const;

function runScript(name: string, quick: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join('bench', `${name}.ts`), ...(quick ? ['--quick'] : [])],
      { cwd: repositoryRoot, stdio: 'inherit' },
    );
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const outcomes: { name: string; exitCode: number; seconds: number }[] = [];
  for (const name of benchmarks) {
    process.stdout.write(`\n━━━ ${name}${quick ? ' (quick)' : ''} ━━━\n`);
    const started = performance.now();
    const exitCode = await runScript(name, quick);
    outcomes.push({ name, exitCode, seconds: (performance.now() - started) / 1000 });
  }

  const rows: (string | number)[][] = [];
  for (const outcome of outcomes) {
    if (outcome.exitCode !== 0) {
      rows.push([outcome.name, `FAILED (exit ${outcome.exitCode})`, '', '', '']);
      continue;
    }
    const file = path.join(resultsDirectory, `${outcome.name}.json`);
    const result = JSON.parse(await readFile(file, 'utf8')) as { targets?: TargetCheck[] };
    for (const target of result.targets ?? [])
      rows.push([
        outcome.name,
        target.name,
        target.target,
        target.measured,
        target.met ? 'met' : 'NOT MET',
      ]);
  }
  process.stdout.write(`\n━━━ summary${quick ? ' (quick)' : ''} ━━━\n`);
  printTable('All targets', ['benchmark', 'measure', 'target', 'measured', 'verdict'], rows);
  printTable(
    'Runs',
    ['benchmark', 'exit', 'seconds'],
    outcomes.map((outcome) => [outcome.name, outcome.exitCode, Math.round(outcome.seconds)]),
  );
  if (outcomes.some((outcome) => outcome.exitCode !== 0)) process.exitCode = 1;
}

await main();
