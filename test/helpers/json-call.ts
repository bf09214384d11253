/** A JSON answer: status and parsed body (the text when it is not JSON). */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** One HTTP call with a JSON body (when given), answered as JSON. */
export async function jsonCall(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/** The error code of a gateway error answer. */
export const errorCode = (answer: JsonAnswer): string | undefined =>
  (answer.body as { error?: { code?: string } }).error?.code;
