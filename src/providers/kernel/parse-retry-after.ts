/**
 * Milliseconds to wait from a `Retry-After` header (seconds or an HTTP date), or from
 * `retry-after-ms`. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: Headers | Record<string, string | undefined>,
  now: number = Date.now(),
): number | undefined {
  const get = (name: string) =>
    headers instanceof Headers ? (headers.get(name) ?? undefined) : headers[name];
  const milliseconds = get('retry-after-ms');
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds.trim()))
    return Math.round(Number(milliseconds));
  const value = get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
