import {
  GatewayError,
  ProviderError,
  type ErrorDetails,
  type ProviderErrorCode,
} from '../../core/errors/index.js';
import type {
  HealthCheckResult,
  ProviderAdapter,
  StatusResult,
  SubmitResult,
  WebhookResult,
} from '../../core/provider-adapter.js';
import type { Warning } from '../../core/warning.js';
import { createSecretRedactor } from '../../security/redact-secrets.js';
import { redactJson } from './redact-json.js';

/** Config fields whose string values are credentials. */
const secretFieldName = /key|token|secret|password|credential/i;

/** Every credential in a provider's config entry (`apiKey`, `webhookSecret`, nested ones). */
export function secretsInConfig(config: unknown, depth = 0): string[] {
  if (depth > 3 || config === null || typeof config !== 'object') return [];
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === 'string' && secretFieldName.test(name)) secrets.push(value);
    else if (typeof value === 'object') secrets.push(...secretsInConfig(value, depth + 1));
  }
  return secrets;
}

type Redact = (text: string) => string;

function redactError(error: unknown, redact: Redact): unknown {
  if (error instanceof ProviderError) {
    return new ProviderError({
      providerId: error.providerId,
      code: error.code as ProviderErrorCode,
      message: redact(error.message),
      statusCode: error.statusCode,
      retryAfterMs: error.retryAfterMs,
      responseBody: error.responseBody === undefined ? undefined : redact(error.responseBody),
      isRetryable: error.isRetryable,
      details: redactJson(error.details, redact) as ErrorDetails | undefined,
      // The cause (a fetch error, a parse error) may quote the body; logs get the message only.
    });
  }
  // The gateway's own errors (SSRF refusals, validation) carry no upstream text.
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const safe = new Error(redact(message));
  safe.name = error instanceof Error ? error.name : 'Error';
  return safe;
}

function redactWarnings(warnings: Warning[] | undefined, redact: Redact): Warning[] | undefined {
  return warnings?.map((warning) => ({ ...warning, message: redact(warning.message) }));
}

function redactStatus(result: StatusResult, redact: Redact): StatusResult {
  if (result.status === 'failed') return { ...result, message: redact(result.message) };
  if (result.status === 'completed' && result.warnings)
    return { ...result, warnings: redactWarnings(result.warnings, redact) ?? [] };
  return result;
}

function redactSubmit(result: SubmitResult, redact: Redact): SubmitResult {
  return {
    ...result,
    ...(result.warnings ? { warnings: redactWarnings(result.warnings, redact) } : {}),
    ...(result.immediate ? { immediate: redactStatus(result.immediate, redact) } : {}),
  };
}

/**
 * The redaction of one call: a caller's own key in the call's context (`SubmitContext.apiKey`,
 * `CallContext.apiKey`) is removed as the configured secrets are.
 */
function withCallerKey(redact: Redact, args: readonly unknown[]): Redact {
  const context = args.at(-1);
  const apiKey =
    context !== null && typeof context === 'object' && 'apiKey' in context
      ? (context as { apiKey?: unknown }).apiKey
      : undefined;
  if (typeof apiKey !== 'string' || apiKey === '') return redact;
  const redactKey = createSecretRedactor([apiKey], { maxLength: Infinity });
  return (text) => redact(redactKey(text));
}

/**
 * What each wrapped method's result passes through. Success values are mostly data (output
 * URLs, operations) and are left alone; only texts that end up in a job error, a warning or a
 * health status are redacted.
 */
const resultRedactors: Record<string, (value: unknown, redact: Redact) => unknown> = {
  submit: (value, redact) => redactSubmit(value as SubmitResult, redact),
  recover: (value, redact) => (value ? redactSubmit(value as SubmitResult, redact) : value),
  status: (value, redact) => redactStatus(value as StatusResult, redact),
  parseWebhook: (value, redact) => {
    const webhook = value as WebhookResult;
    return { ...webhook, result: redactStatus(webhook.result, redact) };
  },
  healthCheck: (value, redact) => {
    const health = value as HealthCheckResult;
    return health.error === undefined ? health : { ...health, error: redact(health.error) };
  },
  cancel: (value) => value,
};

/**
 * The adapter as the rest of the gateway sees it: every error it throws and every failure
 * text it returns has had the instance's secrets (exact values and URL-encoded forms),
 * credential shapes, account ids and internal hosts removed, whatever the adapter copied from
 * the upstream body. This is the backstop behind the HTTP client's own redaction, for texts
 * that arrive inside a 2xx answer (a failed prediction's `error`) or a webhook.
 */
export function redactingAdapter(
  adapter: ProviderAdapter,
  secrets: readonly string[],
): ProviderAdapter {
  const redact = createSecretRedactor(secrets);
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      const redactResult = typeof property === 'string' ? resultRedactors[property] : undefined;
      // Methods run on the adapter itself (private fields do not exist on the proxy).
      if (!redactResult) return method.bind(target);
      return async (...args: unknown[]) => {
        const callRedact = withCallerKey(redact, args);
        try {
          return redactResult(await method.apply(target, args), callRedact);
        } catch (error) {
          throw redactError(error, callRedact);
        }
      };
    },
  });
}
