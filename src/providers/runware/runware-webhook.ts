import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from '../../core/errors/index.js';

/** What a verified callback URL says about its task. */
export interface RunwareWebhookTarget {
  /** The Runware task UUID the URL was issued for. */
  taskUUID: string;
  /** Results the task asked for (Runware sends one callback per result). */
  results: number;
}

/**
 * Runware signs nothing; its docs recommend a secret in the `webhookURL` query string. Each
 * task gets its own token, HMAC-SHA256(key, `taskUUID:results`), so one leaked URL cannot be
 * used to forge callbacks for other tasks, and the result count (which decides whether one
 * callback completes the job) cannot be altered. The token carries no time, so a replay of a
 * genuine callback is not detectable here; it only repeats a result the engine already applied.
 */
export class RunwareWebhookTokens {
  private readonly key: Buffer;

  /** @param secret The configured `webhookSecret`; a random per-process key when absent. */
  constructor(secret?: string) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  /** The token for one task. */
  token(taskUUID: string, results: number): string {
    return createHmac('sha256', this.key).update(`${taskUUID}:${results}`).digest('base64url');
  }

  /** The `webhookURL` to give Runware: the gateway callback URL plus task, count and token. */
  url(callbackUrl: string, taskUUID: string, results: number): string {
    const url = new URL(callbackUrl);
    url.searchParams.set('task', taskUUID);
    url.searchParams.set('results', String(results));
    url.searchParams.set('token', this.token(taskUUID, results));
    return url.toString();
  }

  /**
   * Checks a callback's query string.
   * @throws WebhookVerificationError (401) when the token is missing or does not match.
   */
  verify(query: Record<string, string | undefined>): RunwareWebhookTarget {
    const { task, results, token } = query;
    if (!task || !results || !token) {
      throw new WebhookVerificationError(
        'The callback URL carries no task token.',
        'missing_token',
      );
    }
    const count = Number(results);
    if (!/^\d{1,3}$/.test(results) || count < 1) {
      throw new WebhookVerificationError('The callback URL is malformed.', 'invalid_token');
    }
    const expected = Buffer.from(this.token(task, count));
    const received = Buffer.from(token);
    // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the key.
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      throw new WebhookVerificationError('The callback token does not match.', 'token_mismatch');
    }
    return { taskUUID: task, results: count };
  }
}
