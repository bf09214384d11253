import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from '../../core/errors/index.js';

/** Accepted clock difference either way, as for fal and Standard Webhooks. */
const toleranceSeconds = 300;

export interface KieaiWebhookSignature {
  headers: Record<string, string | undefined>;
  /** Task id from the callback body (the only signed content besides the timestamp). */
  taskId: string;
  hmacKey: string;
  now: number;
}

/** `base64(HMAC-SHA256(taskId + "." + timestamp, webhookHmacKey))`, Kie.ai's callback signature. */
export function kieaiWebhookSignature(taskId: string, timestamp: string, hmacKey: string): string {
  return createHmac('sha256', hmacKey).update(`${taskId}.${timestamp}`).digest('base64');
}

/**
 * Checks `X-Webhook-Timestamp` / `X-Webhook-Signature` (docs.kie.ai/common-api/webhook-verification).
 * @throws WebhookVerificationError when a header is missing, the timestamp is stale or the
 *   signature does not match.
 */
export function verifyKieaiWebhook(input: KieaiWebhookSignature): void {
  const timestamp = input.headers['x-webhook-timestamp'];
  const signature = input.headers['x-webhook-signature'];
  if (!timestamp || !signature) {
    throw new WebhookVerificationError(
      'Missing X-Webhook-Timestamp or X-Webhook-Signature header.',
      'missing_headers',
    );
  }
  if (
    !/^\d+$/.test(timestamp) ||
    Math.abs(input.now / 1000 - Number(timestamp)) > toleranceSeconds
  ) {
    throw new WebhookVerificationError(
      'Kie.ai webhook timestamp is outside the accepted window.',
      'timestamp_out_of_tolerance',
    );
  }
  const expected = Buffer.from(kieaiWebhookSignature(input.taskId, timestamp, input.hmacKey));
  const received = Buffer.from(signature.trim());
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    throw new WebhookVerificationError(
      'Kie.ai webhook signature does not verify.',
      'invalid_signature',
    );
  }
}
