import { describe, expect, it } from 'vitest';
import type { Job } from '../core/job.js';
import { toJobResource } from './job-resource.js';
import { JobResourceSchema } from './job-resource-schema.js';

const createdAt = new Date('2026-12-01T10:00:00.000Z');

function queuedJob(): Job {
  return {
    id: 'gen_01',
    status: 'queued',
    request: {
      kind: 'image',
      task: 'text-to-image',
      model: 'sim-image',
      prompt: 'a red balloon',
      inputImages: [],
      n: 1,
      allowResubmit: false,
    },
    provider: null,
    attempts: [],
    outputs: [],
    cost: { estimatedUsd: 0.002, actualUsd: null },
    error: null,
    warnings: [],
    progress: null,
    createdAt,
    updatedAt: createdAt,
    submittedAt: null,
    startedAt: null,
    completedAt: null,
    deadlineAt: new Date('2026-12-01T10:10:00.000Z'),
    idempotencyKey: null,
    webhook: null,
    regeneratedFrom: null,
    tenantId: null,
  };
}

function finishedJob(): Job {
  const ended = new Date('2026-12-01T10:00:05.000Z');
  return {
    ...queuedJob(),
    status: 'succeeded',
    request: {
      ...queuedJob().request,
      kind: 'video',
      task: 'image-to-video',
      model: 'sim-video',
      inputImages: ['asset_in'],
      duration: 4,
      resolution: '720p',
      quality: 'premium',
      user: 'user-7',
      metadata: { order: '42' },
      webhookUrl: 'https://example.com/hook',
    },
    provider: 'simulator',
    attempts: [
      {
        id: 'att_1',
        provider: 'fal',
        providerModelId: 'fal-ai/x',
        providerJobId: null,
        status: 'failed',
        startedAt: createdAt,
        endedAt: createdAt,
        errorCode: 'provider_rate_limited',
        errorMessage: 'slow down',
        costUsd: null,
      },
      {
        id: 'att_2',
        provider: 'simulator',
        providerModelId: 'sim-video',
        providerJobId: 'sim_9',
        status: 'succeeded',
        startedAt: createdAt,
        endedAt: ended,
        errorCode: null,
        errorMessage: null,
        costUsd: 0.4,
      },
    ],
    outputs: [
      { assetId: 'asset_out', mimeType: 'video/mp4', bytes: 1234, width: 1280, height: 720 },
    ],
    cost: { estimatedUsd: 0.4, actualUsd: 0.4 },
    warnings: [{ code: 'parameter_adjusted', parameter: 'duration', message: 'rounded' }],
    progress: 1,
    submittedAt: createdAt,
    startedAt: createdAt,
    completedAt: ended,
    webhook: {
      url: 'https://example.com/hook',
      status: 'delivered',
      deliveries: [
        { attempt: 1, at: ended, statusCode: 200, error: null, ok: true, durationMs: 12 },
      ],
    },
    regeneratedFrom: 'gen_00',
  };
}

describe('the public job JSON', () => {
  it.each([
    ['a queued job', queuedJob()],
    ['a finished video job with attempts, outputs and a webhook', finishedJob()],
  ])('should match its schema field for field for %s', (_name, job) => {
    const wire: unknown = JSON.parse(JSON.stringify(toJobResource(job, 'http://gw.test')));
    // Parsing strips unknown keys, so equality also proves the schema names every field.
    expect(JobResourceSchema.parse(wire)).toEqual(wire);
  });

  it('should link outputs to the gateway and keep absent request fields out', () => {
    const resource = toJobResource(finishedJob(), 'http://gw.test');
    expect(resource.outputs[0]).toEqual({
      url: 'http://gw.test/v1/assets/asset_out',
      asset_id: 'asset_out',
      mime_type: 'video/mp4',
      bytes: 1234,
      width: 1280,
      height: 720,
      duration: null,
    });
    expect(
      JSON.parse(JSON.stringify(toJobResource(queuedJob(), 'http://gw.test'))).request,
    ).toEqual({ n: 1, allow_resubmit: false });
  });

  it('should refuse a status outside the lifecycle', () => {
    const wire = { ...toJobResource(queuedJob(), 'http://gw.test'), status: 'done' };
    expect(JobResourceSchema.safeParse(wire).success).toBe(false);
  });
});
