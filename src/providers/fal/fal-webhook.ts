import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { WebhookVerificationError } from '../../core/errors/index.js';
import type { InboundWebhook } from '../../core/provider-adapter.js';
import { ProviderHttpClient } from '../kernel/provider-http-client.js';
import { FalJwksSchema } from './fal-api-schemas.js';

/** fal's documented replay window. */
const toleranceSeconds = 300;
/** fal asks that its JWKS is not cached for more than 24 hours. */
const jwksMaxAgeMs = 24 * 60 * 60 * 1000;
/** A failed check refetches the JWKS (key rotation) at most this often, so forgeries can't DoS it. */
const jwksRefetchFloorMs = 60 * 1000;

export interface FalWebhookVerifierOptions {
  providerId: string;
  jwksUrl: string;
  now: () => number;
  timeoutMs?: number;
}

/**
 * Verifies fal webhooks: ED25519 over `request_id \n user_id \n timestamp \n hex(sha256(body))`
 * (headers `x-fal-webhook-request-id`, `-user-id`, `-timestamp`, `-signature` as hex) against
 * any key of fal's JWKS, which is cached. Forged, unsigned or stale deliveries throw
 * {@link WebhookVerificationError}; an unreachable JWKS throws a retryable `ProviderError`
 * (fal retries the delivery).
 */
export class FalWebhookVerifier {
  private keys: KeyObject[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;
  // The JWKS is public: no API key goes to it.
  private readonly jwks: ProviderHttpClient;

  constructor(private readonly options: FalWebhookVerifierOptions) {
    this.jwks = new ProviderHttpClient({
      providerId: options.providerId,
      baseUrl: options.jwksUrl,
      headers: {},
    });
  }

  /** Resolves with the verified request id (the signed `x-fal-webhook-request-id`). */
  async verify(webhook: InboundWebhook): Promise<string> {
    const requestId = webhook.headers['x-fal-webhook-request-id'];
    const userId = webhook.headers['x-fal-webhook-user-id'];
    const timestamp = webhook.headers['x-fal-webhook-timestamp'];
    const signatureHex = webhook.headers['x-fal-webhook-signature'];
    if (!requestId || userId === undefined || !timestamp || !signatureHex) {
      throw new WebhookVerificationError(
        'Missing fal webhook signature headers.',
        'missing_headers',
      );
    }
    const seconds = Number(timestamp);
    if (
      !/^\d+$/.test(timestamp) ||
      Math.abs(this.options.now() / 1000 - seconds) > toleranceSeconds
    ) {
      throw new WebhookVerificationError(
        'fal webhook timestamp is outside the accepted window.',
        'timestamp_out_of_tolerance',
      );
    }
    if (!/^([0-9a-f]{2})+$/i.test(signatureHex)) {
      throw new WebhookVerificationError('fal webhook signature is not hex.', 'invalid_signature');
    }
    const bodyHash = createHash('sha256').update(webhook.rawBody).digest('hex');
    const message = Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${bodyHash}`, 'utf8');
    const signature = Buffer.from(signatureHex, 'hex');
    const matches = (keys: KeyObject[]) => keys.some((key) => verifies(message, key, signature));
    if (matches(await this.currentKeys(false))) return requestId;
    // An unknown signer may be a freshly rotated key: look once more, then give up.
    if (
      this.options.now() - this.fetchedAt > jwksRefetchFloorMs &&
      matches(await this.currentKeys(true))
    ) {
      return requestId;
    }
    throw new WebhookVerificationError(
      'fal webhook signature does not verify.',
      'invalid_signature',
    );
  }

  private async currentKeys(force: boolean): Promise<KeyObject[]> {
    if (!force && this.keys.length > 0 && this.options.now() - this.fetchedAt < jwksMaxAgeMs) {
      return this.keys;
    }
    const response = await this.jwks.request({
      method: 'GET',
      path: '',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const jwks = this.jwks.parse(FalJwksSchema, response.json);
    this.keys = jwks.keys
      .filter((key) => (key.kty ?? 'OKP') === 'OKP' && (key.crv ?? 'Ed25519') === 'Ed25519')
      .flatMap((key) => importKey(key.x));
    this.fetchedAt = this.options.now();
    return this.keys;
  }
}

function verifies(message: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(null, message, key, signature);
  } catch {
    // A signature of the wrong length throws instead of failing.
    return false;
  }
}

function importKey(x: string): KeyObject[] {
  try {
    return [createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })];
  } catch {
    return [];
  }
}
