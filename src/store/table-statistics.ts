import type { Database } from './database.js';

export interface TableStatisticsOptions {
  database: Database;
  /** The tables whose plans matter on the request path. */
  tables: readonly string[];
  /** How often sizes are compared (one catalog read of a few rows). */
  intervalMs: number;
  /** A failed check or ANALYZE: reported, never thrown (the next check tries again). */
  onError: (error: unknown) => void;
}

/** Tables at least this many pages larger than their statistics say are analyzed. */
const minimumGrowthPages = 8;

/** `default_statistics_target` for these ANALYZEs: 300 × 10 rows sampled per table. */
const sampleTarget = 10;

/**
 * Keeps the planner's picture of the job tables current while they grow fast, which autovacuum
 * does not (ADR 0029). A prepared statement's generic plan is made once, from the table's size
 * when it was planned, and kept until the table's statistics change: made on a young table (a
 * fresh install, the first seconds of a benchmark) it scans the whole table, and keeps scanning
 * as the table grows, until an ANALYZE invalidates it. Autovacuum's first ANALYZE comes a
 * minute or more later on PostgreSQL, and never on PGlite (no autovacuum). This analyzes a
 * table each time it has doubled since its statistics (more than `minimumGrowthPages` larger):
 * a few times while it is young, rarely once it is large, so that a cached plan is not used
 * for longer than a check interval on a table more than twice the size it was planned for.
 */
export class TableStatistics {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: TableStatisticsOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  /** One comparison; returns the tables it analyzed. Public so that tests never sleep. */
  async tick(): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const grown = await this.grownTables();
      // SKIP_LOCKED: another instance analyzing the same table already does the work.
      if (grown.length) {
        const names = grown.map((name) => `"${name}"`).join(', ');
        await this.options.database.transaction(async (transaction) => {
          // What the plans need here is the table's size; a tenth of the default sample
          // (3,000 rows) gets it in 15 ms instead of 100 at 100,000 rows, which on PGlite is
          // time the event loop is blocked. Autovacuum's own ANALYZE uses the full sample.
          await transaction.query(`SET LOCAL default_statistics_target = ${sampleTarget}`);
          await transaction.query(`ANALYZE (SKIP_LOCKED) ${names}`);
        });
      }
      return grown;
    } catch (error) {
      this.options.onError(error);
      return [];
    } finally {
      this.running = false;
    }
  }

  private async grownTables(): Promise<string[]> {
    // `relpages` is the size the statistics were taken at (0 before the first ANALYZE or VACUUM).
    const { rows } = await this.options.database.query<{
      name: string;
      analyzed: number;
      now: string;
    }>(
      `SELECT c.relname AS name, c.relpages AS analyzed,
              pg_relation_size(c.oid) / current_setting('block_size')::int AS now
         FROM pg_class c WHERE c.oid = ANY($1::regclass[])`,
      [this.options.tables],
    );
    return rows
      .filter((row) => Number(row.now) > 2 * row.analyzed + minimumGrowthPages)
      .map((row) => row.name)
      .sort();
  }
}
