/** Options every benchmark script accepts on its command line. */
export interface BenchArgs {
  /** Shorter runs (smoke check of the whole suite, not figures to quote). */
  quick: boolean;
}

/** Parses `--quick`; unknown arguments are an error so that a typo is not silently ignored. */
export function parseBenchArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const args: BenchArgs = { quick: false };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else throw new Error(`unknown argument '${arg}' (only --quick is accepted)`);
  }
  return args;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
