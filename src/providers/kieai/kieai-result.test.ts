import { describe, expect, it } from 'vitest';
import { mapKieaiRunwayResult, mapKieaiVeoResult } from './kieai-result.js';

describe('Kie.ai record mapping', () => {
  it('should map every Veo successFlag', () => {
    expect(mapKieaiVeoResult({ successFlag: 0 })).toEqual({ status: 'pending', phase: 'running' });
    expect(
      mapKieaiVeoResult(
        { successFlag: 1, response: { resultUrls: ['https://f/v.mp4'], resolution: '720p' } },
        { durationSeconds: 8, resolution: '720p' },
      ),
    ).toEqual({
      status: 'completed',
      outputs: [{ type: 'url', url: 'https://f/v.mp4', mimeType: 'video/mp4', durationSeconds: 8 }],
      usage: { videoSeconds: 8 },
    });
    expect(
      mapKieaiVeoResult({
        successFlag: 2,
        errorCode: 400,
        errorMessage: 'flagged as violating content policies',
      }),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected' });
    expect(
      mapKieaiVeoResult({ successFlag: 3, errorCode: 500, errorMessage: 'upstream' }),
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed', isRetryable: true });
    expect(mapKieaiVeoResult({ successFlag: 7 })).toBeUndefined();
    expect(mapKieaiVeoResult({ successFlag: 1, response: { resultUrls: [] } })).toBeUndefined();
  });

  it('should warn when Veo returns another resolution than asked', () => {
    expect(
      mapKieaiVeoResult(
        { successFlag: 1, response: { resultUrls: ['https://f/v.mp4'], resolution: '1080p' } },
        { resolution: '720p' },
      ),
    ).toMatchObject({ warnings: [{ parameter: 'resolution' }] });
  });

  it('should map every Runway state', () => {
    expect(mapKieaiRunwayResult({ state: 'wait' })).toEqual({ status: 'pending', phase: 'queued' });
    expect(mapKieaiRunwayResult({ state: 'queueing' })).toEqual({
      status: 'pending',
      phase: 'queued',
    });
    expect(mapKieaiRunwayResult({ state: 'generating' })).toEqual({
      status: 'pending',
      phase: 'running',
    });
    expect(
      mapKieaiRunwayResult({ state: 'success', videoInfo: { videoUrl: 'https://f/r.mp4' } }),
    ).toMatchObject({ status: 'completed', outputs: [{ url: 'https://f/r.mp4' }] });
    expect(
      mapKieaiRunwayResult({
        state: 'fail',
        failCode: 400,
        failMsg: 'Inappropriate content detected.',
      }),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected' });
    expect(mapKieaiRunwayResult({ state: 'exploded' })).toBeUndefined();
  });
});
