/** What replaces a removed value; short, so a truncated message keeps its meaning. */
export const redacted = '[redacted]';

/** Upstream text kept in one error message, log line or health status. */
export const defaultMaxLength = 300;

/** Secrets shorter than this are not matched verbatim: they would erase ordinary words. */
const minimumSecretLength = 6;

/**
 * Credential shapes that are secrets wherever they appear, whoever they belong to (a key of
 * another account echoed back is still a key). Ordered: schemes and prefixes before the
 * generic `name=value` rule, so a value is redacted once.
 */
const secretShapes: readonly [RegExp, string][] = [
  // `user:password@` in any URL.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${redacted}@`],
  // Authorization schemes: `Bearer abc…`, `Key abc…`, `Basic abc…`, `Token abc…`.
  // The value must hold a digit, so that prose ("Key frames") survives.
  [
    /\b(Bearer|Basic|Token|Key)(\s+)(?=[A-Za-z._~+/:=-]*\d)[A-Za-z0-9._~+/:=-]{6,}/g,
    `$1$2${redacted}`,
  ],
  // Well-known key prefixes (OpenAI/Anthropic `sk-`, Replicate `r8_`, Stripe-style `sk_live_`,
  // Standard Webhooks `whsec_`, Google `AIza`, GitHub, Slack, AWS access keys, Runway `key_`).
  [/\bsk-[A-Za-z0-9_-]{8,}/g, redacted],
  [/\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}/g, redacted],
  [/\br8_[A-Za-z0-9]{8,}/g, redacted],
  [/\bwhsec_[A-Za-z0-9+/=]{8,}/g, redacted],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, redacted],
  [/\b(?:ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{16,}/g, redacted],
  [/\bxox[abpr]-[A-Za-z0-9-]{10,}/g, redacted],
  [/\bAKIA[0-9A-Z]{16}\b/g, redacted],
  [/\bkey_[A-Za-z0-9]{16,}/g, redacted],
  // JSON Web Tokens.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, redacted],
  // `api_key=…`, `"token": "…"`, `x-api-key: …`, `secret=…` in query strings, JSON and headers.
  [
    /\b((?:x-)?(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|id[_-]?token|token|key|secret|client[_-]?secret|password|passwd|authorization|signature|sig|credentials?)["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"'&,;)}\]]+/gi,
    `$1${redacted}`,
  ],
];

/** Where an upstream names its own account: not a secret, but not the client's business. */
const accountShapes: readonly [RegExp, string][] = [
  [
    /\b((?:account|acct|org(?:anization)?|project|team|user|customer|tenant)[_ -]?id["']?\s*[:=]?\s*["']?)[A-Za-z0-9_-]{4,}/gi,
    `$1${redacted}`,
  ],
  [/\b(?:acct|org|proj|cus)[_-][A-Za-z0-9]{8,}\b/g, '[account]'],
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, '[email]'],
];

/** Internal infrastructure an upstream may reveal in a stack trace or proxy error. */
const internalHostShapes: readonly [RegExp, string][] = [
  // RFC 1918, loopback, link-local and carrier-grade NAT IPv4, with an optional port.
  [
    /\b(?:10(?:\.\d{1,3}){3}|127(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}|169\.254(?:\.\d{1,3}){2}|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])(?:\.\d{1,3}){2})(?::\d{1,5})?\b/g,
    '[internal-host]',
  ],
  // Unique-local and link-local IPv6.
  [/\b(?:f[cd][0-9a-f]{2}|fe80):[0-9a-f:]{2,}\b/gi, '[internal-host]'],
  // Names that only resolve inside a network.
  [
    /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:internal|local|localdomain|lan|corp|intranet|intra|svc|cluster\.local)(?::\d{1,5})?\b/gi,
    '[internal-host]',
  ],
];

export interface RedactOptions {
  /** Longer text is cut here and marked with `…`; `Infinity` keeps everything. */
  maxLength?: number;
}

/**
 * Removes what an upstream must never pass on to a client, a log or a health page: the exact
 * secrets given (and their URL-encoded and Basic-auth forms), any credential-shaped value,
 * account identifiers and internal hosts; then truncates. Every path where a provider's text
 * leaves the provider kernel goes through this one function (via `createSecretRedactor`).
 *
 * @example
 * redactSecrets('bad key r8_abcdefgh12345 from 10.0.3.7:8080', ['r8_abcdefgh12345'])
 * // → 'bad key [redacted] from [internal-host]'
 */
export function redactSecrets(
  text: string,
  secrets: readonly string[] = [],
  options: RedactOptions = {},
): string {
  return createSecretRedactor(secrets, options)(text);
}

/** The forms in which a configured secret may come back: verbatim, URL-encoded, in Basic auth. */
function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret)]);
  forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  forms.add(Buffer.from(secret).toString('base64'));
  return [...forms].filter((form) => form.length >= minimumSecretLength);
}

/**
 * A redactor bound to one provider instance's secrets (compiled once, used on every error).
 * Secrets shorter than six characters are ignored for verbatim matching.
 */
export function createSecretRedactor(
  secrets: readonly string[],
  options: RedactOptions = {},
): (text: string) => string {
  const maxLength = options.maxLength ?? defaultMaxLength;
  const forms = [
    ...new Set(
      secrets.filter((secret) => secret.length >= minimumSecretLength).flatMap(secretForms),
    ),
  ].sort((a, b) => b.length - a.length); // longest first: a key inside a longer form goes with it
  return (text: string) => {
    let result = text;
    for (const form of forms) result = result.split(form).join(redacted);
    for (const [pattern, replacement] of [...secretShapes, ...accountShapes, ...internalHostShapes])
      result = result.replace(pattern, replacement);
    return result.length > maxLength ? `${result.slice(0, maxLength - 1)}…` : result;
  };
}
