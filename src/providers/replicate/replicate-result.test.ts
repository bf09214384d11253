import { describe, expect, it } from 'vitest';
import type { ReplicatePrediction } from './replicate-api-schemas.js';
import { outputUrls, mapReplicateResult } from './replicate-result.js';

const prediction = (overrides: Partial<ReplicatePrediction>): ReplicatePrediction => ({
  id: 'p1',
  status: 'starting',
  ...overrides,
});

describe('mapReplicateResult', () => {
  it('should map starting to queued and processing to running', () => {
    expect(mapReplicateResult(prediction({ status: 'starting' }))).toEqual({
      status: 'pending',
      phase: 'queued',
    });
    expect(mapReplicateResult(prediction({ status: 'processing' }))).toEqual({
      status: 'pending',
      phase: 'running',
    });
  });

  it('should map a succeeded video prediction to its URL with compute and video seconds', () => {
    const result = mapReplicateResult(
      prediction({
        status: 'succeeded',
        output: 'https://replicate.delivery/x/output.mp4',
        input: { duration: 6 },
        metrics: { predict_time: 41.2 },
      }),
    );
    expect(result).toEqual({
      status: 'completed',
      outputs: [
        { type: 'url', url: 'https://replicate.delivery/x/output.mp4', mimeType: 'video/mp4' },
      ],
      usage: { computeSeconds: 41.2, videoSeconds: 6 },
    });
  });

  it('should map a list of image URLs, typed by extension', () => {
    const result = mapReplicateResult(
      prediction({
        status: 'succeeded',
        output: ['https://r.d/a/out-0.png', 'https://r.d/a/out-1.webp', 'https://r.d/a/noext'],
      }),
    );
    expect(result.status === 'completed' && result.outputs).toEqual([
      { type: 'url', url: 'https://r.d/a/out-0.png', mimeType: 'image/png' },
      { type: 'url', url: 'https://r.d/a/out-1.webp', mimeType: 'image/webp' },
      { type: 'url', url: 'https://r.d/a/noext' },
    ]);
  });

  it('should treat success without an output URL as a bad response', () => {
    expect(mapReplicateResult(prediction({ status: 'succeeded', output: null }))).toMatchObject({
      status: 'failed',
      code: 'provider_bad_response',
      isRetryable: true,
    });
  });

  it('should map a moderation failure to a non-retryable content rejection', () => {
    const result = mapReplicateResult(
      prediction({
        status: 'failed',
        error:
          'The input or output was flagged as sensitive. Please try again with different inputs. (E005)',
      }),
    );
    expect(result).toMatchObject({
      status: 'failed',
      code: 'provider_content_rejected',
      isRetryable: false,
    });
  });

  it('should map other failures to a retryable generation failure', () => {
    const result = mapReplicateResult(
      prediction({ status: 'failed', error: 'Prediction interrupted; please retry (code: PA)' }),
    );
    expect(result).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
    expect(result.status === 'failed' && result.message).toContain('code: PA');
  });

  it('should map canceled and aborted', () => {
    expect(mapReplicateResult(prediction({ status: 'canceled' }))).toEqual({ status: 'canceled' });
    expect(mapReplicateResult(prediction({ status: 'aborted' }))).toMatchObject({
      status: 'failed',
      code: 'provider_timeout',
      isRetryable: true,
    });
  });
});

describe('outputUrls', () => {
  it('should find URLs in strings, lists and objects and skip the rest', () => {
    expect(
      outputUrls({ video: 'https://a/v.mp4', meta: 3, list: ['http://b/i.png', 'not a url'] }),
    ).toEqual(['https://a/v.mp4', 'http://b/i.png']);
    expect(outputUrls(null)).toEqual([]);
  });
});
