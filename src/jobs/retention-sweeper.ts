import type { AssetStore } from '../assets/asset-store.js';
import type { StorageConfig } from '../config/storage-config-schema.js';
import type { Logger } from '../observability/logger.js';
import type { ControllerLease } from '../store/controller-lease.js';
import type { Database } from '../store/database.js';

/** What one sweep removed. */
export interface RetentionReport {
  outputs: number;
  uploads: number;
  jobs: number;
}

export interface RetentionSweeperOptions {
  database: Database;
  /** Rows are deleted here; their objects through `assets.deleteObjects`. */
  assets: AssetStore;
  retention: StorageConfig['retention'];
  /** Held for the sweep, so only one instance sweeps at a time. */
  lease: ControllerLease;
  logger: Logger;
  now: () => number;
}

const dayMs = 24 * 60 * 60 * 1000;
/** A sweep stops after this many batches per kind and goes on at the next interval. */
const maxBatchesPerSweep = 50;
/** Longer than any sweep; a holder that died mid-sweep is replaced after it. */
const leaseMs = 10 * 60 * 1000;

/**
 * Deletes outputs, uploads and finished jobs older than their configured ages (nothing when no
 * age is set). Objects go before their rows: a crash between the two leaves a row whose file
 * is gone (it is expired anyway, and the next sweep deletes it), never an object nobody can
 * find again. `tick()` is public so tests drive it with an injected clock.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: RetentionSweeperOptions) {}

  /** Whether any age is configured (otherwise the sweeper never runs). */
  get enabled(): boolean {
    const { outputsDays, uploadsDays, jobsDays } = this.options.retention;
    return outputsDays !== undefined || uploadsDays !== undefined || jobsDays !== undefined;
  }

  start(): void {
    if (!this.enabled) return;
    this.timer = setInterval(
      () =>
        void this.tick().catch((error: Error) =>
          this.options.logger.error({ error: error.message }, 'retention sweep failed'),
        ),
      this.options.retention.intervalSeconds * 1000,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  /** One sweep; undefined when another instance holds the lease (or one is running here). */
  async tick(): Promise<RetentionReport | undefined> {
    if (this.running) return undefined;
    this.running = true;
    const { lease, retention, logger } = this.options;
    try {
      if (!(await lease.acquire(leaseMs))) return undefined;
      try {
        const report: RetentionReport = {
          outputs: await this.sweepAssets('output', retention.outputsDays),
          uploads: await this.sweepAssets('upload', retention.uploadsDays),
          jobs: await this.sweepJobs(retention.jobsDays),
        };
        if (report.outputs || report.uploads || report.jobs)
          logger.info({ ...report }, 'retention sweep removed expired files and jobs');
        return report;
      } finally {
        await lease.release().catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }

  private cutoff(days: number): Date {
    return new Date(this.options.now() - days * dayMs);
  }

  private async sweepAssets(
    purpose: 'output' | 'upload',
    days: number | undefined,
  ): Promise<number> {
    if (days === undefined) return 0;
    const { database, retention } = this.options;
    let removed = 0;
    for (let batch = 0; batch < maxBatchesPerSweep; batch++) {
      const { rows } = await database.query<{ id: string; storage_key: string | null }>(
        `SELECT id, storage_key FROM assets WHERE purpose = $1 AND created_at < $2
         ORDER BY created_at LIMIT $3`,
        [purpose, this.cutoff(days), retention.batchSize],
      );
      removed += await this.deleteAssets(rows);
      if (rows.length < retention.batchSize) break;
    }
    return removed;
  }

  private async sweepJobs(days: number | undefined): Promise<number> {
    if (days === undefined) return 0;
    const { database, retention } = this.options;
    let removed = 0;
    for (let batch = 0; batch < maxBatchesPerSweep; batch++) {
      const { rows: jobs } = await database.query<{ id: string }>(
        `SELECT id FROM generations
         WHERE status IN ('succeeded', 'failed', 'canceled') AND updated_at < $1
         ORDER BY updated_at LIMIT $2`,
        [this.cutoff(days), retention.batchSize],
      );
      if (jobs.length === 0) break;
      const ids = jobs.map((job) => job.id);
      // A job's outputs go with it: nothing could link to them any more.
      const { rows: outputs } = await database.query<{ id: string; storage_key: string | null }>(
        'SELECT id, storage_key FROM assets WHERE generation_id = ANY($1::text[])',
        [ids],
      );
      await this.deleteAssets(outputs);
      // Attempts, webhook deliveries and feedback go by ON DELETE CASCADE.
      const { rowCount } = await database.query(
        'DELETE FROM generations WHERE id = ANY($1::text[])',
        [ids],
      );
      removed += rowCount;
      if (jobs.length < retention.batchSize) break;
    }
    return removed;
  }

  private async deleteAssets(
    rows: readonly { id: string; storage_key: string | null }[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    await this.options.assets.deleteObjects(rows.map((row) => row.storage_key));
    const { rowCount } = await this.options.database.query(
      'DELETE FROM assets WHERE id = ANY($1::text[])',
      [rows.map((row) => row.id)],
    );
    return rowCount;
  }
}
