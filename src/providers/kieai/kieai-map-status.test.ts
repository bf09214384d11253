import { describe, expect, it } from 'vitest';
import { mapKieaiRunwayRecord, mapKieaiVeoRecord } from './kieai-map-status.js';

describe('Kie.ai record mapping', () => {
  it('should map every Veo successFlag', () => {
    expect(mapKieaiVeoRecord({ successFlag: 0 })).toEqual({ status: 'pending', phase: 'running' });
    expect(
      mapKieaiVeoRecord(
        { successFlag: 1, response: { resultUrls: ['https://f/v.mp4'], resolution: '720p' } },
        { durationSeconds: 8, resolution: '720p' },
      ),
    ).toEqual({
      status: 'completed',
      outputs: [{ type: 'url', url: 'https://f/v.mp4', mimeType: 'video/mp4', durationSeconds: 8 }],
      usage: { videoSeconds: 8 },
    });
    expect(
      mapKieaiVeoRecord({
        successFlag: 2,
        errorCode: 400,
        errorMessage: 'flagged as violating content policies',
      }),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected' });
    expect(
      mapKieaiVeoRecord({ successFlag: 3, errorCode: 500, errorMessage: 'upstream' }),
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed', isRetryable: true });
    expect(mapKieaiVeoRecord({ successFlag: 7 })).toBeUndefined();
    expect(mapKieaiVeoRecord({ successFlag: 1, response: { resultUrls: [] } })).toBeUndefined();
  });

  it('should warn when Veo returns another resolution than asked', () => {
    expect(
      mapKieaiVeoRecord(
        { successFlag: 1, response: { resultUrls: ['https://f/v.mp4'], resolution: '1080p' } },
        { resolution: '720p' },
      ),
    ).toMatchObject({ warnings: [{ parameter: 'resolution' }] });
  });

  it('should map every Runway state', () => {
    expect(mapKieaiRunwayRecord({ state: 'wait' })).toEqual({ status: 'pending', phase: 'queued' });
    expect(mapKieaiRunwayRecord({ state: 'queueing' })).toEqual({
      status: 'pending',
      phase: 'queued',
    });
    expect(mapKieaiRunwayRecord({ state: 'generating' })).toEqual({
      status: 'pending',
      phase: 'running',
    });
    expect(
      mapKieaiRunwayRecord({ state: 'success', videoInfo: { videoUrl: 'https://f/r.mp4' } }),
    ).toMatchObject({ status: 'completed', outputs: [{ url: 'https://f/r.mp4' }] });
    expect(
      mapKieaiRunwayRecord({
        state: 'fail',
        failCode: 400,
        failMsg: 'Inappropriate content detected.',
      }),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected' });
    expect(mapKieaiRunwayRecord({ state: 'exploded' })).toBeUndefined();
  });
});
