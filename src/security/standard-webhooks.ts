import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatewayError, WebhookVerificationError } from '../core/errors/index.js';

// Standard Webhooks (https://www.standardwebhooks.com/): the signed content is
// `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 keyed with the base64-decoded secret,
// sent as `v1,<base64>`; several space-separated signatures allow key rotation.

const secretPrefix = 'whsec_';

/** Inputs of {@link signWebhook} and {@link webhookHeaders}. */
export interface SignWebhookInput {
  /** `whsec_<base64>`; a bare base64 key (no prefix) is accepted too, as the reference libraries do. */
  secret: string;
  /** Unique message id, the same on every retry of one delivery (receivers dedupe on it). */
  id: string;
  /** When the message was (re)sent: a Date, or Unix seconds. */
  timestamp: Date | number;
  /** The exact body bytes that will be sent. */
  body: string;
}

/**
 * The three headers a Standard Webhooks delivery carries. A type alias rather than an interface
 * so it can be passed straight to {@link verifyWebhook}'s `headers`.
 */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Inputs of {@link verifyWebhook}. */
export interface VerifyWebhookInput {
  secret: string;
  /** Request headers with lower-case names (as Node and Fastify give them). */
  headers: Record<string, string | undefined>;
  /** The raw body exactly as received; re-serialised JSON will not verify. */
  body: string | Buffer;
  /** Largest accepted clock difference either way, in seconds; default 300. */
  toleranceSeconds?: number;
  /** Current time in milliseconds; default `Date.now()`. */
  now?: number;
}

/** A new random signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return secretPrefix + randomBytes(32).toString('base64');
}

/** The `webhook-signature` value for one message: `v1,<base64 HMAC-SHA256>`. */
export function signWebhook(input: SignWebhookInput): string {
  const key = decodeSecret(input.secret);
  return `v1,${computeSignature(key, input.id, String(toUnixSeconds(input.timestamp)), input.body)}`;
}

/** All three Standard Webhooks headers for one outbound delivery. */
export function webhookHeaders(input: SignWebhookInput): WebhookHeaders {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(toUnixSeconds(input.timestamp)),
    'webhook-signature': signWebhook(input),
  };
}

/**
 * Verifies an inbound Standard Webhooks delivery. Accepts it when the timestamp is within
 * `toleranceSeconds` of `now` (replay protection) and any one `v1` signature in the
 * space-separated list matches (so senders can rotate keys).
 * @throws WebhookVerificationError (401) naming the failed check in `details.reason`.
 * @throws GatewayError `invalid_webhook_secret` (500) when `secret` itself is unusable: that is
 *   our configuration, not the sender's fault.
 */
export function verifyWebhook(input: VerifyWebhookInput): void {
  const id = input.headers['webhook-id'];
  const timestamp = input.headers['webhook-timestamp'];
  const signatures = input.headers['webhook-signature'];
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'Missing webhook-id, webhook-timestamp or webhook-signature header.',
      'missing_headers',
    );
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      'The webhook-timestamp header is not a number.',
      'invalid_timestamp',
    );
  }
  const tolerance = input.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  const sentAt = Number(timestamp);
  if (nowSeconds - sentAt > tolerance) {
    throw new WebhookVerificationError('The webhook timestamp is too old.', 'timestamp_too_old');
  }
  if (sentAt - nowSeconds > tolerance) {
    throw new WebhookVerificationError(
      'The webhook timestamp is in the future.',
      'timestamp_too_new',
    );
  }

  const key = decodeSecret(input.secret);
  const expected = Buffer.from(computeSignature(key, id, timestamp, input.body));
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    // Other versions (e.g. `v1a` asymmetric signatures) are skipped, not rejected, per the spec.
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    const candidate = Buffer.from(entry.slice(comma + 1));
    // timingSafeEqual needs equal lengths; a length mismatch leaks nothing secret.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return;
  }
  throw new WebhookVerificationError('No webhook signature matched.', 'signature_mismatch');
}

function computeSignature(
  key: Buffer,
  id: string,
  timestamp: string,
  body: string | Buffer,
): string {
  // The body is fed as-is (not via a template string) so Buffers are signed byte-exact.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  // Buffer.from(…, 'base64') silently skips junk, so validate first or a typo becomes a weak key.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw invalidSecret();
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw invalidSecret();
  return key;
}

function invalidSecret(): GatewayError {
  return new GatewayError({
    code: 'invalid_webhook_secret',
    message: 'The configured webhook secret is not a valid whsec_<base64> value.',
    httpStatus: 500,
  });
}

function toUnixSeconds(timestamp: Date | number): number {
  return Math.floor(timestamp instanceof Date ? timestamp.getTime() / 1000 : timestamp);
}
