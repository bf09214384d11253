import { GatewayError, ValidationError } from '../../core/errors/index.js';
import type { Job } from '../../core/job.js';
import type { SsrfGuard } from '../../security/ssrf-guard.js';

/** Where S1 sent users whose Runware balance ran out (the seed's wallet page). */
export const s1WalletUrl = 'https://my.runware.ai/wallet';

/** The seed's top-up advice: Runware wants $5 of credit for video; its smallest charge is $20. */
export const s1InsufficientCreditsMessage = `Insufficient Runware credits: video generation needs at least $5 of credit (the minimum charge is $20). Top up at ${s1WalletUrl}`;

/**
 * Checks an S1 `image_url`: http(s), not a private or loopback address (the seed's
 * "invalid image_url"). Data URLs were never accepted by S1 and are not here.
 */
export function checkS1ImageUrl(guard: SsrfGuard, imageUrl: string): void {
  try {
    guard.checkUrl(imageUrl);
  } catch (error) {
    const reason =
      error instanceof GatewayError && typeof error.details?.reason === 'string'
        ? error.details.reason
        : 'invalid_url';
    throw new ValidationError(
      `Invalid image_url: it must be a public http(s) URL (${reason}); upload the image with POST /api/v3/uploads.`,
      { parameter: 'image_url', reason },
      'invalid_image_url',
    );
  }
}

/** The provider's own error code of a failed job: the last failed attempt's, else the job's. */
function providerCodeOf(job: Job): string {
  return (
    job.attempts.findLast((attempt) => attempt.errorCode !== null)?.errorCode ??
    job.error?.code ??
    'canceled'
  );
}

/**
 * A failed S1 job in the status codes S1's clients branch on: 403 Runware switched off, 402
 * credits (with the top-up advice), 400 a request Runware refused, 500 anything else.
 */
export function s1FailureError(job: Job): GatewayError {
  const code = providerCodeOf(job);
  const details = { generation_id: job.id, provider_code: code };
  switch (code) {
    case 'provider_insufficient_credits':
      return new GatewayError({
        code: 'insufficient_credits',
        message: s1InsufficientCreditsMessage,
        httpStatus: 402,
        details: {
          ...details,
          wallet_url: s1WalletUrl,
          minimum_credit_usd: 5,
          minimum_charge_usd: 20,
        },
      });
    case 'provider_disabled':
      return new GatewayError({
        code: 'provider_disabled',
        message: 'Runware is switched off on this gateway.',
        httpStatus: 403,
        details,
      });
    case 'provider_invalid_request':
    case 'invalid_input_image':
    case 'url_not_allowed':
      return new GatewayError({
        code: 'invalid_request',
        message: job.error?.message ?? 'Runware refused the request.',
        httpStatus: 400,
        details,
      });
    case 'request_key_unavailable':
      // Still a 500 for S1's clients, but with a code that says why: the caller's key was lost.
      return new GatewayError({
        code: 'request_key_unavailable',
        message: `Runware API error: ${job.error?.message ?? "the request's api_key was not available."}`,
        httpStatus: 500,
        details,
      });
    default:
      return new GatewayError({
        code: 'runware_error',
        message: `Runware API error: ${job.error?.message ?? 'the generation did not finish.'}`,
        httpStatus: 500,
        details,
      });
  }
}
