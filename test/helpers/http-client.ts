/** A JSON answer from the gateway. */
export interface JsonResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary fields of API answers
  body: Record<string, any>;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as JsonResponse['body'],
  };
}

export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as JsonResponse['body'],
  };
}

/** Polls a job until it is terminal (tests only: the gateway itself never sleeps like this). */
export async function waitForJob(
  baseUrl: string,
  id: string,
  timeoutMs = 30_000,
): Promise<JsonResponse['body']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await getJson(`${baseUrl}/v1/generations/${id}?wait=5`);
    if (['succeeded', 'failed', 'canceled'].includes(body.status)) return body;
    if (Date.now() > deadline)
      throw new Error(`job ${id} still ${body.status} after ${timeoutMs} ms`);
  }
}
