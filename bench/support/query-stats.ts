// Shapes shared by the query counter preload (in the gateway) and the benchmarks that read its
// output, kept apart so that a benchmark never loads the preload itself.

/** One statement shape in a window. */
export interface StatementStats {
  /** The SQL with whitespace collapsed, cut to 120 characters. */
  statement: string;
  calls: number;
  totalMs: number;
}

/** The line written when a window closes. */
export interface QueryWindow {
  type: 'queries';
  durationMs: number;
  calls: number;
  statements: StatementStats[];
}

/** The pseudo-statement under which waits for a pool connection are recorded. */
export const poolWait = '(wait for a pool connection)';
