import { renderPng } from '../src/providers/simulator/render-png.js';
import { parseBenchArgs } from './support/cli.js';
import { note, printTable, printTargets, writeResult, type TargetCheck } from './support/report.js';
import { round, summarize } from './support/stats.js';

/**
 * How long the simulator's PNG render holds the event loop. The pixels are drawn on the main
 * thread and compressed in the threadpool; a regression to per-pixel work over every row (or a
 * synchronous zlib call) shows here as tens of milliseconds per 1024×1024 image. The unit test
 * (`render-png.test.ts`) only checks that compression leaves the main thread; this prints the
 * figure.
 */

const targetMs = 10;

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const renders = quick ? 15 : 101;
  const synchronousMs: number[] = [];
  const totalMs: number[] = [];
  for (let index = 0; index < renders; index++) {
    const started = performance.now();
    const pending = renderPng({ prompt: `load ${index}`, seed: index, width: 1024, height: 1024 });
    synchronousMs.push(performance.now() - started);
    await pending;
    totalMs.push(performance.now() - started);
  }
  // The first renders pay for JIT warm-up; they are kept out of the figures.
  const warm = (values: number[]) => summarize(values.slice(Math.min(5, values.length - 1)));
  const synchronous = warm(synchronousMs);
  const total = warm(totalMs);
  printTable(
    'PNG render, 1024×1024 (ms)',
    ['part', 'p50', 'p99', 'max'],
    [
      [
        'synchronous (event loop held)',
        round(synchronous.p50),
        round(synchronous.p99),
        round(synchronous.max),
      ],
      ['whole render', round(total.p50), round(total.p99), round(total.max)],
    ],
  );
  note(`${renders} renders one after another; the first 5 are warm-up and left out.`);
  const targets: TargetCheck[] = [
    {
      name: 'PNG render, synchronous part (p50)',
      target: `< ${targetMs} ms`,
      measured: `${round(synchronous.p50)} ms`,
      met: synchronous.p50 < targetMs,
    },
  ];
  printTargets(targets);
  await writeResult('render-png', { quick, renders, synchronous, total, targets });
}

await main();
