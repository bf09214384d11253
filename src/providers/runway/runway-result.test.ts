import { describe, expect, it } from 'vitest';
import type { RunwayTask } from './runway-api-schemas.js';
import { mapRunwayResult, type RunwayStatusOptions } from './runway-result.js';

const video: RunwayStatusOptions = {
  kind: 'video',
  durationSeconds: 5,
  usdPerCredit: 0.01,
  minPollIntervalMs: 5000,
};
const task = (overrides: Partial<RunwayTask>): RunwayTask => ({
  id: 't1',
  status: 'PENDING',
  ...overrides,
});

describe('mapRunwayResult', () => {
  it('should map PENDING and THROTTLED to queued, asking for 5 s between polls', () => {
    expect(mapRunwayResult(task({ status: 'PENDING' }), video)).toEqual({
      status: 'pending',
      phase: 'queued',
      retryAfterMs: 5000,
    });
    expect(mapRunwayResult(task({ status: 'THROTTLED' }), video)).toEqual({
      status: 'pending',
      phase: 'queued',
      retryAfterMs: 5000,
    });
  });

  it('should map RUNNING with its progress, and drop the poll hint when it is 0', () => {
    expect(
      mapRunwayResult(task({ status: 'RUNNING', progress: 0.42 }), {
        ...video,
        minPollIntervalMs: 0,
      }),
    ).toEqual({ status: 'pending', phase: 'running', progress: 0.42 });
  });

  it("should map SUCCEEDED to its outputs with Runway's own cost in USD", () => {
    const result = mapRunwayResult(
      task({
        status: 'SUCCEEDED',
        output: ['https://dnznrvs05pmza.cloudfront.net/v.mp4?_jwt=x'],
        cost: { credits: 25 },
      }),
      video,
    );
    expect(result).toEqual({
      status: 'completed',
      outputs: [
        {
          type: 'url',
          url: 'https://dnznrvs05pmza.cloudfront.net/v.mp4?_jwt=x',
          mimeType: 'video/mp4',
          durationSeconds: 5,
        },
      ],
      usage: { costUsd: 0.25, videoSeconds: 5 },
    });
  });

  it('should leave the cost to the catalog when the task reports none', () => {
    const result = mapRunwayResult(task({ status: 'SUCCEEDED', output: ['https://x/i.png'] }), {
      kind: 'image',
      usdPerCredit: 0.01,
      minPollIntervalMs: 0,
    });
    expect(result).toEqual({
      status: 'completed',
      outputs: [{ type: 'url', url: 'https://x/i.png' }],
      usage: {},
    });
  });

  it('should treat SUCCEEDED without outputs as a bad response', () => {
    expect(mapRunwayResult(task({ status: 'SUCCEEDED', output: [] }), video)).toMatchObject({
      status: 'failed',
      code: 'provider_bad_response',
      isRetryable: true,
    });
  });

  it('should map FAILED by failure code', () => {
    expect(
      mapRunwayResult(
        task({ status: 'FAILED', failure: 'flagged', failureCode: 'SAFETY.INPUT.IMAGE' }),
        video,
      ),
    ).toMatchObject({
      code: 'provider_content_rejected',
      isRetryable: false,
    });
    expect(
      mapRunwayResult(
        task({
          status: 'FAILED',
          failure: 'flagged',
          failureCode: 'INPUT_PREPROCESSING.SAFETY.TEXT',
        }),
        video,
      ),
    ).toMatchObject({
      code: 'provider_content_rejected',
    });
    expect(
      mapRunwayResult(
        task({ status: 'FAILED', failure: 'bad asset', failureCode: 'ASSET.INVALID' }),
        video,
      ),
    ).toMatchObject({
      code: 'provider_invalid_request',
      isRetryable: false,
    });
    const internal = mapRunwayResult(
      task({
        status: 'FAILED',
        failure: 'An unexpected error occurred.',
        failureCode: 'INTERNAL.BAD_OUTPUT.CODE01',
      }),
      video,
    );
    expect(internal).toMatchObject({ code: 'provider_generation_failed', isRetryable: true });
    expect(internal.status === 'failed' && internal.message).toContain(
      'INTERNAL.BAD_OUTPUT.CODE01',
    );
  });

  it('should map CANCELLED to canceled', () => {
    expect(mapRunwayResult(task({ status: 'CANCELLED' }), video)).toEqual({ status: 'canceled' });
  });
});
