import { describe, expect, it } from 'vitest';
import { runwareWebhookEnvelope } from './runware-api-schemas.js';
import type { RunwareOperation } from './runware-request.js';
import { mapRunwareResult } from './runware-result.js';

const taskUUID = '8e4b7c5a-1f2d-4c3b-9a8e-7d6c5b4a3f2e';
const video: RunwareOperation = {
  taskUUID,
  taskType: 'videoInference',
  results: 1,
  width: 1248,
  height: 704,
  durationSeconds: 5,
};
const images: RunwareOperation = {
  taskUUID,
  taskType: 'imageInference',
  results: 2,
  width: 512,
  height: 512,
};
const status = (envelope: Parameters<typeof mapRunwareResult>[1], operation = video) =>
  mapRunwareResult('runware', envelope, operation);

describe('mapRunwareResult', () => {
  it('should report an empty answer as queued', () => {
    expect(status({ data: [] })).toEqual({ status: 'pending', phase: 'queued' });
  });

  it('should report processing items as running with progress', () => {
    expect(
      status({ data: [{ taskType: 'getResponse', taskUUID, status: 'processing', progress: 40 }] }),
    ).toEqual({ status: 'pending', phase: 'running', progress: 0.4 });
  });

  it('should complete a video with its URL, size, duration and Runware cost', () => {
    const result = status({
      data: [
        { taskUUID, status: 'success', videoURL: 'https://vm.runware.ai/v.mp4', cost: 0.0668 },
      ],
    });
    expect(result).toEqual({
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: 'https://vm.runware.ai/v.mp4',
          mimeType: 'video/mp4',
          width: 1248,
          height: 704,
          durationSeconds: 5,
        },
      ],
      usage: { costUsd: 0.0668, videoSeconds: 5 },
    });
  });

  it('should accept a finished result without a status field', () => {
    const result = status({ data: [{ taskUUID, videoURL: 'https://vm.runware.ai/v.mp4' }] });
    expect(result.status).toBe('completed');
    if (result.status === 'completed') expect(result.usage?.costUsd).toBeUndefined();
  });

  it('should wait for every requested image and sum their costs', () => {
    const one = {
      taskUUID,
      status: 'success',
      imageURL: 'https://im.runware.ai/a.png',
      cost: 0.001,
    };
    expect(status({ data: [one, { taskUUID, status: 'processing' }] }, images)).toMatchObject({
      status: 'pending',
      phase: 'running',
      progress: 0.5,
    });
    const done = status(
      { data: [one, { ...one, imageURL: 'https://im.runware.ai/b.png' }] },
      images,
    );
    expect(done).toMatchObject({ status: 'completed', usage: { costUsd: 0.002 } });
    if (done.status === 'completed') expect(done.outputs).toHaveLength(2);
  });

  it('should decode inline image data when Runware returns it', () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    const result = status(
      { data: [{ taskUUID, status: 'success', imageDataURI: `data:image/png;base64,${png}` }] },
      { ...images, results: 1 },
    );
    expect(result.status).toBe('completed');
    if (result.status === 'completed') expect(result.outputs[0]).toMatchObject({ type: 'bytes' });
  });

  it('should fail on an errors entry, an inline error item, or a lost task', () => {
    expect(
      status({ errors: [{ taskUUID, code: 'timeoutProvider', message: 'slow' }] }),
    ).toMatchObject({
      status: 'failed',
      code: 'provider_timeout',
      isRetryable: true,
    });
    expect(
      status({
        data: [{ taskUUID, status: 'error', error: { code: 'providerContentPolicyViolation' } }],
      }),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected', isRetryable: false });
    expect(status({ errors: [{ taskUUID, code: 'taskNotFound' }] })).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
  });

  it('should ignore entries about other tasks', () => {
    expect(status({ errors: [{ taskUUID: 'other', code: 'timeoutProvider' }] })).toMatchObject({
      status: 'pending',
    });
  });

  it('should reject a success without any file', () => {
    expect(() => status({ data: [{ taskUUID, status: 'success' }] })).toThrowError(
      /without a file/,
    );
  });
});

describe('runwareWebhookEnvelope', () => {
  it('should accept the flat result object, the poll envelope and a flat error', () => {
    expect(runwareWebhookEnvelope({ taskUUID, videoURL: 'u' })).toEqual({
      data: [{ taskUUID, videoURL: 'u' }],
    });
    expect(runwareWebhookEnvelope({ data: [{ taskUUID }] })).toEqual({ data: [{ taskUUID }] });
    expect(
      runwareWebhookEnvelope({ taskUUID, status: 'error', error: { code: 'timeoutProvider' } }),
    ).toMatchObject({ errors: [{ code: 'timeoutProvider', taskUUID }] });
    expect(runwareWebhookEnvelope({ hello: 'world' })).toBeUndefined();
    expect(runwareWebhookEnvelope('text')).toBeUndefined();
  });
});
