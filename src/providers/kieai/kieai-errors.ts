import { ProviderError, type ProviderErrorCode } from '../../core/errors/index.js';
import type { StatusResult } from '../../core/provider-adapter.js';
import type { ProviderResponse } from '../kernel/provider-http-client.js';
import { parseRetryAfter } from '../kernel/parse-retry-after.js';
import { codeForStatus, type ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import { KieaiEnvelopeSchema } from './kieai-api-schemas.js';

/** Kie.ai's envelope codes (docs.kie.ai common API) and what each means for routing. */
const codeByKieaiCode: Record<number, ProviderErrorCode> = {
  400: 'provider_invalid_request',
  401: 'provider_auth_failed',
  402: 'provider_insufficient_credits',
  403: 'provider_auth_failed',
  404: 'provider_invalid_request',
  422: 'provider_invalid_request',
  429: 'provider_rate_limited',
  // 455: service under maintenance.
  455: 'provider_unavailable',
  500: 'provider_unavailable',
  501: 'provider_generation_failed',
  // 505: the feature is disabled on Kie's side; another provider may serve the model.
  505: 'provider_unavailable',
};

function errorCodeFor(kieaiCode: number): ProviderErrorCode {
  return (
    codeByKieaiCode[kieaiCode] ??
    (kieaiCode >= 400 && kieaiCode < 600 ? codeForStatus(kieaiCode) : 'provider_bad_response')
  );
}

// Kie.ai documents no code of its own for an unknown or withdrawn model; its validation
// answers (400/404/422) name the field in `msg`. One about the model is the offering gone.
const modelGone =
  /\bmodel\b.*\b(not (supported|found|exist|available)|invalid|unsupported|unavailable|offline|deprecated|retired)\b|\b(invalid|unsupported|unknown)\b.*\bmodel\b/i;

function failure(
  providerId: string,
  response: { status: number; headers: Headers; text: string },
  kieaiCode: number,
  message: string | undefined,
): ProviderError {
  const aboutModel = [400, 404, 422].includes(kieaiCode) && modelGone.test(message ?? '');
  return new ProviderError({
    providerId,
    code: aboutModel ? 'provider_model_unavailable' : errorCodeFor(kieaiCode),
    message: `${providerId} answered code ${kieaiCode}${message ? `: ${message.slice(0, 300)}` : ''}`,
    statusCode: response.status,
    retryAfterMs: parseRetryAfter(response.headers),
    responseBody: response.text,
    details: { kieaiCode },
  });
}

/**
 * Maps a non-2xx Kie.ai answer. The envelope's `code` wins over the HTTP status when present:
 * Kie documents its codes in the body, and it is unconfirmed whether the HTTP status mirrors them.
 */
export function kieaiErrorFromResponse(
  providerId: string,
  response: ProviderErrorResponse,
): ProviderError {
  const envelope = KieaiEnvelopeSchema.safeParse(response.json);
  if (envelope.success && envelope.data.code !== 200) {
    return failure(
      providerId,
      response,
      envelope.data.code,
      envelope.data.msg ?? envelope.data.message ?? undefined,
    );
  }
  return failure(providerId, response, response.status, response.text.slice(0, 300) || undefined);
}

/**
 * The `data` of a successful (2xx) Kie.ai answer. A 2xx carrying `code != 200` (Kie's usual way
 * to report errors) throws the mapped {@link ProviderError}; a body without an envelope is
 * `provider_bad_response`.
 */
export function unwrapKieaiEnvelope(providerId: string, response: ProviderResponse): unknown {
  const envelope = KieaiEnvelopeSchema.safeParse(response.json);
  if (!envelope.success) {
    throw new ProviderError({
      providerId,
      code: 'provider_bad_response',
      message: `${providerId} answered without its {code, msg, data} envelope.`,
      responseBody: response.text,
    });
  }
  if (envelope.data.code !== 200) {
    throw failure(
      providerId,
      response,
      envelope.data.code,
      envelope.data.msg ?? envelope.data.message ?? undefined,
    );
  }
  return envelope.data.data;
}

/**
 * A failed generation as a status: content-policy rejections and bad inputs (400) are final,
 * everything else (upstream failure, Veo's 422 "rejected by Flow", timeouts) may succeed elsewhere.
 */
export function kieaiGenerationFailure(
  code: number | string | null | undefined,
  message: string | null | undefined,
): StatusResult {
  const text = (message ?? 'generation failed').slice(0, 300);
  if (Number(code) === 400) {
    const rejected = /polic|flagged|inappropriate|unsafe|sensitive|prominent people|minor/i.test(
      text,
    );
    return {
      status: 'failed',
      code: rejected ? 'provider_content_rejected' : 'provider_invalid_request',
      message: `Kie.ai rejected the request: ${text}`,
      isRetryable: false,
    };
  }
  return {
    status: 'failed',
    code: 'provider_generation_failed',
    message: `Kie.ai failed the generation: ${text}`,
    isRetryable: true,
  };
}
