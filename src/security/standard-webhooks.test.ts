import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayError, WebhookVerificationError } from '../core/errors/index.js';
import {
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
} from './standard-webhooks.js';

// The test vector published with the Standard Webhooks reference libraries.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorNow = vector.timestamp * 1000;

function reasonOf(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).code).toBe('webhook_verification_failed');
    expect((error as WebhookVerificationError).httpStatus).toBe(401);
    return (error as WebhookVerificationError).details?.reason;
  }
  return 'verified';
}

describe('generateWebhookSecret', () => {
  it('returns whsec_ + base64 of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks test vector', () => {
    expect(signWebhook(vector)).toBe(vector.signature);
    expect(signWebhook({ ...vector, timestamp: new Date(vectorNow) })).toBe(vector.signature);
    // The reference libraries also accept the key without its prefix.
    expect(signWebhook({ ...vector, secret: vector.secret.slice(6) })).toBe(vector.signature);
  });

  it('matches an independent HMAC computation', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'job.succeeded', data: { id: 'job_1', emoji: 'ü🎉' } });
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`msg_1.1700000000.${body}`)
      .digest('base64');
    expect(signWebhook({ secret, id: 'msg_1', timestamp: 1700000000, body })).toBe(
      `v1,${expected}`,
    );
  });

  it('rejects an unusable secret as a configuration error', () => {
    for (const secret of ['whsec_', 'whsec_not base64!']) {
      let caught: unknown;
      try {
        signWebhook({ ...vector, secret });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect((caught as GatewayError).code).toBe('invalid_webhook_secret');
    }
  });
});

describe('webhookHeaders', () => {
  it('builds the three headers, timestamp in whole seconds', () => {
    expect(webhookHeaders({ ...vector, timestamp: new Date(vectorNow + 999) })).toEqual({
      'webhook-id': vector.id,
      'webhook-timestamp': String(vector.timestamp),
      'webhook-signature': vector.signature,
    });
  });
});

describe('verifyWebhook', () => {
  const vectorHeaders = {
    'webhook-id': vector.id,
    'webhook-timestamp': String(vector.timestamp),
    'webhook-signature': vector.signature,
  };

  it('accepts the test vector, from a string or a Buffer body', () => {
    expect(
      reasonOf(() =>
        verifyWebhook({
          secret: vector.secret,
          headers: vectorHeaders,
          body: vector.body,
          now: vectorNow,
        }),
      ),
    ).toBe('verified');
    expect(
      reasonOf(() =>
        verifyWebhook({
          secret: vector.secret,
          headers: vectorHeaders,
          body: Buffer.from(vector.body),
          now: vectorNow,
        }),
      ),
    ).toBe('verified');
  });

  it('round-trips with webhookHeaders using the current time by default', () => {
    const secret = generateWebhookSecret();
    const body = '{"id":"job_123","status":"succeeded"}';
    const headers = webhookHeaders({ secret, id: 'msg_abc', timestamp: new Date(), body });
    expect(reasonOf(() => verifyWebhook({ secret, headers, body }))).toBe('verified');
  });

  it('rejects a tampered body, id or timestamp', () => {
    const base = {
      secret: vector.secret,
      headers: vectorHeaders,
      body: vector.body,
      now: vectorNow,
    };
    expect(reasonOf(() => verifyWebhook({ ...base, body: '{"test": 2432232315}' }))).toBe(
      'signature_mismatch',
    );
    expect(
      reasonOf(() =>
        verifyWebhook({ ...base, headers: { ...vectorHeaders, 'webhook-id': 'msg_other' } }),
      ),
    ).toBe('signature_mismatch');
    expect(
      reasonOf(() =>
        verifyWebhook({
          ...base,
          headers: { ...vectorHeaders, 'webhook-timestamp': String(vector.timestamp + 1) },
        }),
      ),
    ).toBe('signature_mismatch');
  });

  it('rejects a signature made with another secret', () => {
    expect(
      reasonOf(() =>
        verifyWebhook({
          secret: generateWebhookSecret(),
          headers: vectorHeaders,
          body: vector.body,
          now: vectorNow,
        }),
      ),
    ).toBe('signature_mismatch');
  });

  it('enforces the timestamp tolerance both ways', () => {
    const base = { secret: vector.secret, headers: vectorHeaders, body: vector.body };
    expect(reasonOf(() => verifyWebhook({ ...base, now: vectorNow + 300_000 }))).toBe('verified');
    expect(reasonOf(() => verifyWebhook({ ...base, now: vectorNow + 301_000 }))).toBe(
      'timestamp_too_old',
    );
    expect(reasonOf(() => verifyWebhook({ ...base, now: vectorNow - 301_000 }))).toBe(
      'timestamp_too_new',
    );
    expect(
      reasonOf(() =>
        verifyWebhook({ ...base, now: vectorNow + 3_600_000, toleranceSeconds: 7200 }),
      ),
    ).toBe('verified');
    // With the real clock the 2021 vector is far too old.
    expect(reasonOf(() => verifyWebhook(base))).toBe('timestamp_too_old');
  });

  it('rejects non-numeric timestamps', () => {
    for (const timestamp of ['abc', '1614265330.5', '-1614265330', ' 1614265330', '1e9']) {
      expect(
        reasonOf(() =>
          verifyWebhook({
            secret: vector.secret,
            headers: { ...vectorHeaders, 'webhook-timestamp': timestamp },
            body: vector.body,
            now: vectorNow,
          }),
        ),
        timestamp,
      ).toBe('invalid_timestamp');
    }
  });

  it('accepts when any one of several signatures matches', () => {
    const signatures = [
      'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      'v1a,ignored-asymmetric-signature',
      'garbage',
      vector.signature,
    ].join(' ');
    expect(
      reasonOf(() =>
        verifyWebhook({
          secret: vector.secret,
          headers: { ...vectorHeaders, 'webhook-signature': signatures },
          body: vector.body,
          now: vectorNow,
        }),
      ),
    ).toBe('verified');
    // The right digest under another version tag does not count.
    expect(
      reasonOf(() =>
        verifyWebhook({
          secret: vector.secret,
          headers: {
            ...vectorHeaders,
            'webhook-signature': vector.signature.replace('v1,', 'v2,'),
          },
          body: vector.body,
          now: vectorNow,
        }),
      ),
    ).toBe('signature_mismatch');
  });

  it('rejects missing headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const headers: Record<string, string | undefined> = { ...vectorHeaders, [name]: undefined };
      expect(
        reasonOf(() =>
          verifyWebhook({ secret: vector.secret, headers, body: vector.body, now: vectorNow }),
        ),
        name,
      ).toBe('missing_headers');
    }
    expect(
      reasonOf(() =>
        verifyWebhook({ secret: vector.secret, headers: {}, body: vector.body, now: vectorNow }),
      ),
    ).toBe('missing_headers');
  });
});
