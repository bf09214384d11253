import type { StatusResult } from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import type { KieaiRunwayRecord, KieaiVeoRecord } from './kieai-api-schemas.js';
import { kieaiGenerationFailure } from './kieai-errors.js';

/** What the adapter knows about the request when it reads a record. */
export interface KieaiRecordContext {
  durationSeconds?: number;
  /** Resolution asked for, to flag a different one in the result. */
  resolution?: string;
}

/**
 * Veo 3.1 record → status. `successFlag`: 0 generating, 1 success (`response.resultUrls`),
 * 2 failed, 3 created but failed upstream. Returns undefined for an unknown flag or a success
 * without a URL (the caller reports a bad response).
 */
export function mapKieaiVeoResult(
  record: KieaiVeoRecord,
  context: KieaiRecordContext = {},
): StatusResult | undefined {
  switch (record.successFlag) {
    case 0:
      return { status: 'pending', phase: 'running' };
    case 1: {
      const url = record.response?.resultUrls?.[0];
      if (!url) return undefined;
      const warnings: Warning[] = [];
      const resolution = record.response?.resolution;
      if (
        resolution &&
        context.resolution &&
        resolution.toLowerCase() !== context.resolution.toLowerCase()
      ) {
        warnings.push({
          code: 'parameter_adjusted',
          parameter: 'resolution',
          message: `Kie.ai returned ${resolution} instead of ${context.resolution}.`,
        });
      }
      return {
        status: 'completed',
        outputs: [
          {
            type: 'url',
            url,
            mimeType: 'video/mp4',
            ...(context.durationSeconds ? { durationSeconds: context.durationSeconds } : {}),
          },
        ],
        ...(context.durationSeconds ? { usage: { videoSeconds: context.durationSeconds } } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    }
    case 2:
    case 3:
      return kieaiGenerationFailure(record.errorCode, record.errorMessage);
    default:
      return undefined;
  }
}

/**
 * Runway record → status. `state`: `wait` / `queueing` (queued), `generating` (running),
 * `success` (`videoInfo.videoUrl`), `fail` (`failCode`, `failMsg`).
 */
export function mapKieaiRunwayResult(
  record: KieaiRunwayRecord,
  context: KieaiRecordContext = {},
): StatusResult | undefined {
  switch (record.state) {
    case 'wait':
    case 'queueing':
      return { status: 'pending', phase: 'queued' };
    case 'generating':
      return { status: 'pending', phase: 'running' };
    case 'success': {
      const url = record.videoInfo?.videoUrl;
      if (!url) return undefined;
      return {
        status: 'completed',
        outputs: [
          {
            type: 'url',
            url,
            mimeType: 'video/mp4',
            ...(context.durationSeconds ? { durationSeconds: context.durationSeconds } : {}),
          },
        ],
        ...(context.durationSeconds ? { usage: { videoSeconds: context.durationSeconds } } : {}),
      };
    }
    case 'fail':
      return kieaiGenerationFailure(record.failCode, record.failMsg);
    default:
      return undefined;
  }
}
