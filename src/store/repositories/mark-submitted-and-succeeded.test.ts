import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { newImageJob } from '../../../test/helpers/new-image-job.js';
import { backends } from '../../../test/helpers/test-database.js';
import { JobStatus } from '../../core/job.js';
import { GenerationRepository } from './generation-repository.js';
import {
  markSubmittedAndSucceeded,
  type ImmediateSuccess,
} from './mark-submitted-and-succeeded.js';

function success(generationId: string, attemptId: string, provider: string): ImmediateSuccess {
  return {
    generationId,
    attemptId,
    provider,
    providerJobId: `${provider}-job`,
    operation: { answered: true },
    outputs: [{ assetId: `asset_${generationId}`, mimeType: 'image/png', bytes: 3 }],
    costUsd: 0.04,
    warnings: [],
    assets: [
      {
        id: `asset_${generationId}`,
        purpose: 'output',
        mimeType: 'image/png',
        bytes: 3,
        sha256: 'abc',
        width: 1,
        height: 1,
        durationSeconds: null,
        storageKey: null,
        inlineBytes: Buffer.from([1, 2, 3]),
        generationId,
        tenantId: null,
      },
    ],
  };
}

// The statement answers each job with the attempt it updated and reads the other attempts only
// for jobs that fell back: the job it hands the waiting caller must be the job a read shows.
describe.each(backends)('markSubmittedAndSucceeded on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let generations: GenerationRepository;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    generations = new GenerationRepository(opened.database);
    const job = (id: string) => newImageJob(id, { model: 'gpt-image-1', estimatedCostUsd: 0.04 });
    await generations.insertMany(
      [job('gen_first'), job('gen_fallback'), job('gen_canceled')],
      opened.database,
    );
    const attempt = (id: string, generationId: string, provider: string) =>
      generations.insertAttempt({ id, generationId, provider, providerModelId: 'gpt-image-1' });
    await attempt('att_first', 'gen_first', 'openai');
    await attempt('att_fallback_1', 'gen_fallback', 'openai');
    await generations.failAttempt(opened.database, 'att_fallback_1', {
      code: 'provider_unavailable',
      message: 'down',
    });
    await attempt('att_fallback_2', 'gen_fallback', 'openai-b');
    await attempt('att_canceled', 'gen_canceled', 'openai');
    await opened.database.query(`UPDATE generations SET status = 'canceled' WHERE id = $1`, [
      'gen_canceled',
    ]);
  });
  afterAll(() => opened.close());

  it('answers every still-queued job as a read shows it, earlier attempts included', async () => {
    const outcomes = await markSubmittedAndSucceeded(
      opened.database,
      [
        success('gen_first', 'att_first', 'openai'),
        success('gen_fallback', 'att_fallback_2', 'openai-b'),
        success('gen_canceled', 'att_canceled', 'openai'),
      ],
      undefined,
    );
    expect([...outcomes.keys()].sort()).toEqual(['gen_fallback', 'gen_first']);
    for (const id of ['gen_first', 'gen_fallback']) {
      const answered = outcomes.get(id)!.job;
      expect(answered).toEqual(await generations.get(id));
      expect(answered.status).toBe(JobStatus.succeeded);
    }
    const fallback = outcomes.get('gen_fallback')!.job;
    expect(fallback.attempts.map((attempt) => [attempt.provider, attempt.status])).toEqual([
      ['openai', 'failed'],
      ['openai-b', 'succeeded'],
    ]);
    expect(outcomes.get('gen_first')!.job.attempts).toHaveLength(1);
    expect(outcomes.get('gen_first')!.ended).toEqual({
      tenant_id: null,
      provider: 'openai',
      actual_cost_usd: 0.04,
    });
    // The canceled job kept its state and got no output row.
    expect((await generations.get('gen_canceled'))?.status).toBe(JobStatus.canceled);
    const { rows } = await opened.database.query<{ id: string }>(
      `SELECT id FROM assets WHERE generation_id = 'gen_canceled'`,
    );
    expect(rows).toEqual([]);
  });
});
