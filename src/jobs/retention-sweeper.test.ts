import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import { startS3TestServer, type S3TestServer } from '../../test/helpers/s3-test-server.js';
import { AssetStore } from '../assets/asset-store.js';
import { S3ObjectStore } from '../assets/s3-object-store.js';
import { createLogger } from '../observability/logger.js';
import { ControllerLease } from '../store/controller-lease.js';
import type { Database } from '../store/database.js';
import { RetentionSweeper } from './retention-sweeper.js';

const dayMs = 24 * 60 * 60 * 1000;
const start = Date.parse('2026-06-01T00:00:00Z');

describe.each(['pglite', 'postgres'] as const)(
  'RetentionSweeper on %s with an S3 store',
  (backend) => {
    let database: Database;
    let close: () => Promise<void>;
    let s3: S3TestServer;
    let objects: S3ObjectStore;
    let now = start;
    let assets: AssetStore;
    beforeAll(async () => {
      ({ database, close } = await openMigratedDatabase(backend));
      s3 = await startS3TestServer();
      objects = new S3ObjectStore({
        bucket: s3.bucket,
        prefix: 'retention',
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        connectionTimeoutMs: 500,
        requestTimeoutMs: 5000,
      });
      assets = new AssetStore(database, objects, { now: () => now });
    });
    afterAll(async () => {
      objects?.close();
      await s3?.close();
      await close?.();
    });

    async function insertJob(id: string, status: string, updatedAt: number): Promise<void> {
      await database.query(
        `INSERT INTO generations (id, status, kind, task, model, request, created_at, updated_at, deadline_at)
       VALUES ($1, $2, 'image', 'text-to-image', 'sim-image', '{}'::jsonb, $3, $3, $3)`,
        [id, status, new Date(updatedAt)],
      );
    }

    async function save(purpose: 'output' | 'upload', generationId?: string): Promise<string> {
      const asset = await assets.save({
        data: Buffer.from(`${purpose} ${generationId ?? ''} ${now}`),
        purpose,
        generationId,
        claimedMimeType: 'image/png',
      });
      return asset.id;
    }

    async function exists(id: string): Promise<{ row: boolean; object: boolean }> {
      const { rows } = await database.query<{ storage_key: string }>(
        'SELECT storage_key FROM assets WHERE id = $1',
        [id],
      );
      const key = rows[0]?.storage_key ?? `${id.slice(-2)}/${id}`;
      const object = await objects.get(key).then(
        (stream) => (stream.destroy(), true),
        () => false,
      );
      return { row: rows.length === 1, object };
    }

    it('should delete old outputs, uploads and finished jobs with their objects, and keep the rest', async () => {
      await insertJob('gen_old', 'succeeded', start);
      await insertJob('gen_old_kept_output', 'failed', start);
      await insertJob('gen_active', 'running', start);
      const oldOutput = await save('output', 'gen_old');
      const oldUpload = await save('upload');
      now = start + 8 * dayMs;
      const outputOfOldJob = await save('output', 'gen_old_kept_output');
      now = start + 10 * dayMs;
      await insertJob('gen_new', 'succeeded', now);
      const newOutput = await save('output', 'gen_new');
      const newUpload = await save('upload');

      const sweeper = new RetentionSweeper({
        database,
        assets,
        retention: {
          outputsDays: 5,
          uploadsDays: 5,
          jobsDays: 8,
          intervalSeconds: 60,
          batchSize: 1,
        },
        lease: new ControllerLease(database, 'retention', 'instance-a'),
        logger: createLogger('silent'),
        now: () => now,
      });
      expect(await sweeper.tick()).toEqual({ outputs: 1, uploads: 1, jobs: 2 });

      for (const id of [oldOutput, oldUpload, outputOfOldJob])
        expect(await exists(id)).toEqual({ row: false, object: false });
      for (const id of [newOutput, newUpload])
        expect(await exists(id)).toEqual({ row: true, object: true });
      const { rows } = await database.query<{ id: string }>(
        'SELECT id FROM generations ORDER BY id',
      );
      expect(rows.map((row) => row.id)).toEqual(['gen_active', 'gen_new']);
      expect(await sweeper.tick()).toEqual({ outputs: 0, uploads: 0, jobs: 0 });
    });

    it('should delete outputs kept in their rows with those in the bucket, in one batch', async () => {
      const inline = new AssetStore(database, objects, { now: () => now, inlineMaxBytes: 1024 });
      now = start + 20 * dayMs;
      await insertJob('gen_mixed', 'succeeded', now);
      const inBucket = await save('output', 'gen_mixed');
      const inRow = (
        await inline.save({
          data: Buffer.from('a small output'),
          purpose: 'output',
          generationId: 'gen_mixed',
          claimedMimeType: 'image/png',
        })
      ).id;
      const { rows: stored } = await database.query<{ id: string; inline: boolean }>(
        'SELECT id, inline_bytes IS NOT NULL AS inline FROM assets WHERE id = ANY($1) ORDER BY id',
        [[inBucket, inRow]],
      );
      expect(new Map(stored.map((row) => [row.id, row.inline]))).toEqual(
        new Map([
          [inBucket, false],
          [inRow, true],
        ]),
      );
      now = start + 30 * dayMs;
      const sweeper = new RetentionSweeper({
        database,
        assets: inline,
        retention: { jobsDays: 5, intervalSeconds: 60, batchSize: 100 },
        lease: new ControllerLease(database, 'retention', 'instance-a'),
        logger: createLogger('silent'),
        now: () => now,
      });
      const swept = await sweeper.tick();
      expect(swept?.jobs).toBeGreaterThanOrEqual(1);
      expect(await exists(inBucket)).toEqual({ row: false, object: false });
      const { rows } = await database.query('SELECT id FROM assets WHERE id = $1', [inRow]);
      expect(rows).toEqual([]);
    });

    it('should not sweep while another instance holds the lease', async () => {
      const other = new ControllerLease(database, 'retention', 'instance-b');
      expect(await other.acquire(60_000)).toBe(true);
      const sweeper = new RetentionSweeper({
        database,
        assets,
        retention: { outputsDays: 1, intervalSeconds: 60, batchSize: 100 },
        lease: new ControllerLease(database, 'retention', 'instance-a'),
        logger: createLogger('silent'),
        now: () => now,
      });
      expect(await sweeper.tick()).toBeUndefined();
      await other.release();
      expect(await sweeper.tick()).toEqual({ outputs: 0, uploads: 0, jobs: 0 });
    });
  },
);
