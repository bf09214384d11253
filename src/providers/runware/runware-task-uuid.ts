import { createHash } from 'node:crypto';

/**
 * The Runware `taskUUID` for a gateway attempt. Runware requires a UUID v4 and lets the client
 * choose it, so the adapter derives it from the attempt id (SHA-256, version and variant bits
 * set): after a crash mid-submit, `recover` recomputes the same UUID and asks Runware about it
 * instead of submitting (and paying) twice.
 */
export function runwareTaskUuid(attemptId: string): string {
  const bytes = createHash('sha256').update(`switchyard:runware-task:${attemptId}`).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}
