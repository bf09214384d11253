import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kieaiWebhookSignature, verifyKieaiWebhook } from './kieai-webhook.js';

const now = 1_760_000_000_000;
const timestamp = String(now / 1000);

describe('Kie.ai webhook signature', () => {
  it('should compute base64(HMAC-SHA256(taskId.timestamp, key)) as the docs describe', () => {
    const expected = createHmac('sha256', 'k').update(`task-1.${timestamp}`).digest('base64');
    expect(kieaiWebhookSignature('task-1', timestamp, 'k')).toBe(expected);
  });

  it('should accept a valid signature and reject forged, stale and unsigned ones', () => {
    const headers = {
      'x-webhook-timestamp': timestamp,
      'x-webhook-signature': kieaiWebhookSignature('task-1', timestamp, 'k'),
    };
    expect(() =>
      verifyKieaiWebhook({ headers, taskId: 'task-1', hmacKey: 'k', now }),
    ).not.toThrow();
    expect(() => verifyKieaiWebhook({ headers, taskId: 'task-2', hmacKey: 'k', now })).toThrow(
      /does not verify/,
    );
    expect(() => verifyKieaiWebhook({ headers, taskId: 'task-1', hmacKey: 'other', now })).toThrow(
      /does not verify/,
    );
    expect(() =>
      verifyKieaiWebhook({ headers, taskId: 'task-1', hmacKey: 'k', now: now + 301_000 }),
    ).toThrow(/window/);
    expect(() => verifyKieaiWebhook({ headers: {}, taskId: 'task-1', hmacKey: 'k', now })).toThrow(
      /Missing/,
    );
  });
});
