import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { formatTable } from '../../src/cli/format-table.js';

/** Where every benchmark writes its JSON result. */
export const resultsDirectory = path.resolve(import.meta.dirname, '../results');

/** One goal from the issue and whether this run met it. */
export interface TargetCheck {
  /** What is measured (`job creation rate`). */
  name: string;
  /** The goal as written in the issue (`≥ 1,000/s`). */
  target: string;
  /** The figure this run produced, with its unit. */
  measured: string;
  met: boolean;
  /** The same figure for a baseline build measured in the same run (A/B), when there is one. */
  baseline?: string;
}

/** A table cell. */
export type Cell = string | number | boolean | null | undefined;

/** Prints a titled, aligned table. */
export function printTable(title: string, headers: string[], rows: Cell[][]): void {
  process.stdout.write(`\n${title}\n${formatTable(headers, rows)}\n`);
}

/** Prints the targets with a met / NOT MET verdict each. */
export function printTargets(targets: readonly TargetCheck[]): void {
  // The baseline column only when some run measured one.
  const withBaseline = targets.some((target) => target.baseline !== undefined);
  printTable(
    'Targets',
    ['measure', 'target', 'measured', 'verdict', ...(withBaseline ? ['baseline (same run)'] : [])],
    targets.map((target) => [
      target.name,
      target.target,
      target.measured,
      target.met ? 'met' : 'NOT MET',
      ...(withBaseline ? [target.baseline ?? '-'] : []),
    ]),
  );
}

/** Prints a line of context (what was run, caveats) under the tables. */
export function note(text: string): void {
  process.stdout.write(`  · ${text}\n`);
}

/** The machine a result was measured on; absolute figures only compare on the same one. */
export function machine(): Record<string, string | number> {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()}`,
  };
}

/**
 * Writes `bench/results/<name>.json`, formatted by the repository's Prettier settings so that
 * `prettier --check` stays clean whether or not the lead ignores the directory.
 */
export async function writeResult(name: string, result: Record<string, unknown>): Promise<string> {
  await mkdir(resultsDirectory, { recursive: true });
  const file = path.join(resultsDirectory, `${name}.json`);
  const document = {
    benchmark: name,
    finishedAt: new Date().toISOString(),
    machine: machine(),
    ...result,
  };
  const options = (await resolveConfig(file)) ?? {};
  await writeFile(file, await format(JSON.stringify(document), { ...options, filepath: file }));
  process.stdout.write(`\nresult written to ${path.relative(process.cwd(), file)}\n`);
  return file;
}
