import { readFile } from 'node:fs/promises';
import { poolWait, type QueryWindow, type StatementStats } from './query-stats.js';
import { round } from './stats.js';

/** Statements of one window, per unit of work (job, request). */
export interface QueriesPerUnit {
  units: number;
  /** Real statements (round trips) per unit. */
  statementsPerUnit: number;
  /** Client-observed statement time per unit (ms), pool waits excluded. */
  statementMsPerUnit: number;
  /** Waiting for a pool connection per unit (ms). */
  poolWaitMsPerUnit: number;
  /** The costliest statement shapes. */
  top: (StatementStats & { callsPerUnit: number; meanMs: number })[];
}

/** The windows written so far by the query counter preload, oldest first. */
export async function readQueryWindows(file: string): Promise<QueryWindow[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as QueryWindow);
}

/** Normalises a window by `units` and keeps the `limit` costliest statements. */
export function queriesPerUnit(window: QueryWindow, units: number, limit = 8): QueriesPerUnit {
  const per = (value: number) => (units > 0 ? round(value / units, 2) : 0);
  const real = window.statements.filter((stats) => stats.statement !== poolWait);
  const wait = window.statements.find((stats) => stats.statement === poolWait);
  return {
    units,
    statementsPerUnit: per(window.calls),
    statementMsPerUnit: per(real.reduce((sum, stats) => sum + stats.totalMs, 0)),
    poolWaitMsPerUnit: per(wait?.totalMs ?? 0),
    top: real.slice(0, limit).map((stats) => ({
      ...stats,
      callsPerUnit: per(stats.calls),
      meanMs: round(stats.totalMs / stats.calls, 3),
    })),
  };
}
