import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { backends } from '../../../test/helpers/test-database.js';
import type { GenerationRequest } from '../../core/generation-request.js';
import { GenerationRepository } from './generation-repository.js';
import {
  jobFromRow,
  parseGenerationRow,
  rowToJob,
  selectJobSql,
  type NewGeneration,
} from './generation-rows.js';

function newGeneration(
  id: string,
  request: Partial<GenerationRequest>,
  extra: Partial<NewGeneration> = {},
): NewGeneration & { createdAt: Date } {
  return {
    id,
    request: {
      kind: 'video',
      task: 'text-to-video',
      model: 'haiper-v2',
      prompt: 'p',
      inputImages: [],
      n: 1,
      allowResubmit: false,
      ...request,
    },
    estimatedCostUsd: null,
    idempotencyKey: null,
    requestHash: null,
    deadlineAt: new Date(Date.now() + 60_000),
    createdAt: new Date('2026-12-01T10:00:00Z'),
    ...extra,
  };
}

describe.each(backends)('GenerationRepository on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let generations: GenerationRepository;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    generations = new GenerationRepository(opened.database);
    await generations.insertMany(
      [
        newGeneration(
          'gen_01',
          { user: 'u1' },
          {
            warnings: [{ code: 'parameter_adjusted', parameter: 'duration', message: '5 s → 6 s' }],
          },
        ),
        newGeneration('gen_02', {
          user: 'u1',
          kind: 'image',
          task: 'text-to-image',
          model: 'sim-image',
        }),
        newGeneration('gen_03', { user: 'u2' }),
        newGeneration('gen_04', { user: 'u1', model: 'veo-2' }),
      ],
      opened.database,
    );
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should store warnings given at creation', async () => {
    expect((await generations.get('gen_01'))?.warnings).toEqual([
      { code: 'parameter_adjusted', parameter: 'duration', message: '5 s → 6 s' },
    ]);
    expect((await generations.get('gen_03'))?.warnings).toEqual([]);
  });

  it("should list one user's jobs of one kind, newest first", async () => {
    const jobs = await generations.list({ user: 'u1', kind: 'video', limit: 10 });
    expect(jobs.map((job) => job.id)).toEqual(['gen_04', 'gen_01']);
    const images = await generations.list({ user: 'u1', kind: 'image', limit: 10 });
    expect(images.map((job) => job.id)).toEqual(['gen_02']);
  });

  it('should read the seconds to success of one model on one provider, newest first', async () => {
    const finish = (id: string, provider: string, seconds: number) =>
      opened.database.query(
        `UPDATE generations SET status = 'succeeded', provider = $2,
           completed_at = created_at + make_interval(secs => $3) WHERE id = $1`,
        [id, provider, seconds],
      );
    await finish('gen_01', 'replicate', 42.5);
    await finish('gen_03', 'replicate', 80);
    await finish('gen_04', 'replicate', 300);
    expect(await generations.recentCompletionSeconds('haiper-v2', 'replicate')).toEqual([80, 42.5]);
    expect(await generations.recentCompletionSeconds('haiper-v2', 'replicate', 1)).toEqual([80]);
    expect(await generations.recentCompletionSeconds('haiper-v2', 'runware')).toEqual([]);
  });

  it('should read a job without validating it again exactly as the schema would (ADR 0025)', async () => {
    await generations.insertMany(
      [
        newGeneration(
          'gen_rd1',
          { metadata: { a: 'b' }, webhookUrl: 'https://hooks.example/x', seed: 7 },
          { estimatedCostUsd: 0.25 },
        ),
      ],
      opened.database,
      [{ id: 'att_rd1', generationId: 'gen_rd1', provider: 'fal', providerModelId: 'fal-ai/x' }],
    );
    await opened.database.query(
      `UPDATE generations SET status = 'succeeded', provider = 'fal', progress = 1,
          actual_cost_usd = 0.3, submitted_at = now(), started_at = now(), completed_at = now(),
          outputs = '[{"assetId":"asset_1","mimeType":"video/mp4","bytes":9,"durationSeconds":5}]',
          error = '{"code":"x","message":"y","details":{"k":1}}'
        WHERE id = 'gen_rd1'`,
    );
    await opened.database.query(
      `UPDATE generation_attempts SET status = 'succeeded', provider_job_id = 'req_1',
          ended_at = now(), cost_usd = 0.3, error_code = 'c', error_message = 'm' WHERE id = 'att_rd1'`,
    );
    await opened.database.query(
      `INSERT INTO webhook_deliveries (generation_id, attempt, status_code, error, ok, duration_ms)
       VALUES ('gen_rd1', 1, 500, 'boom', false, 12), ('gen_rd1', 2, 200, NULL, true, 8)`,
    );
    const { rows } = await opened.database.query(`${selectJobSql} WHERE g.id = 'gen_rd1'`);
    const read = rowToJob(rows[0]);
    expect(read).toEqual(jobFromRow(parseGenerationRow(rows[0])));
    expect(await generations.get('gen_rd1')).toEqual(read);
    expect(read.attempts[0]?.endedAt).toBeInstanceOf(Date);
    expect(read.webhook?.deliveries.map((delivery) => delivery.at instanceof Date)).toEqual([
      true,
      true,
    ]);
    expect(read.cost).toEqual({ estimatedUsd: 0.25, actualUsd: 0.3 });
  });

  it('should store first attempts with their jobs in one statement, none for a replayed key', async () => {
    const attempt = (id: string, generationId: string) => ({
      id,
      generationId,
      provider: 'openai',
      providerModelId: 'gpt-image-1',
    });
    const keyed = (id: string) =>
      newGeneration(id, { kind: 'image', task: 'text-to-image' }, { idempotencyKey: 'fa-key' });
    const first = await generations.insertMany([keyed('gen_fa1')], opened.database, [
      attempt('att_fa1', 'gen_fa1'),
    ]);
    expect([...first]).toEqual(['gen_fa1']);
    const replay = await generations.insertMany(
      [keyed('gen_fa2'), newGeneration('gen_fa3', {})],
      opened.database,
      [attempt('att_fa2', 'gen_fa2'), attempt('att_fa3', 'gen_fa3')],
    );
    expect([...replay]).toEqual(['gen_fa3']);
    const stored = await opened.database.query<{
      id: string;
      generation_id: string;
      seq: number;
      status: string;
    }>(
      `SELECT id, generation_id, seq, status FROM generation_attempts WHERE id LIKE 'att_fa%' ORDER BY id`,
    );
    expect(stored.rows).toEqual([
      { id: 'att_fa1', generation_id: 'gen_fa1', seq: 1, status: 'submitting' },
      { id: 'att_fa3', generation_id: 'gen_fa3', seq: 1, status: 'submitting' },
    ]);
  });
});
