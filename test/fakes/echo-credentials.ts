import type { FakeRequest, FakeResponse } from './fake-http-server.js';

/** Fields providers explain an error in (each fake's envelope keeps its own shape). */
const messageFields = new Set([
  'message',
  'detail',
  'error',
  'msg',
  'errorMessage',
  'title',
  'description',
  'failMsg',
]);

/** The credential a request carried: an auth header, or Runware's authentication task. */
export function requestCredential(request: FakeRequest): string | undefined {
  const header =
    request.headers.authorization ?? request.headers['x-api-key'] ?? request.headers['x-key'];
  if (header) return header;
  const tasks = Array.isArray(request.json) ? (request.json as unknown[]) : [];
  for (const task of tasks) {
    const apiKey = (task as { apiKey?: unknown } | null)?.apiKey;
    if (typeof apiKey === 'string') return apiKey;
  }
  return undefined;
}

/** The echo text: the credential verbatim, bare (after its scheme) and URL-encoded in a link. */
function echoOf(credential: string): string {
  const bare = /^\S+\s+(.+)$/.exec(credential)?.[1] ?? credential;
  return ` (request sent "${credential}"; key ${bare}; retry at https://upstream.example/v1/retry?api_key=${encodeURIComponent(bare)})`;
}

function echoInto(value: unknown, echo: string): { value: unknown; echoed: boolean } {
  if (Array.isArray(value)) {
    let echoed = false;
    const items = value.map((item) => {
      const result = echoInto(item, echo);
      echoed ||= result.echoed;
      return result.value;
    });
    return { value: items, echoed };
  }
  if (value === null || typeof value !== 'object') return { value, echoed: false };
  let echoed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    if (typeof item === 'string' && messageFields.has(key)) {
      echoed = true;
      return [key, `${item}${echo}`];
    }
    const result = echoInto(item, echo);
    echoed ||= result.echoed;
    return [key, result.value];
  });
  return { value: Object.fromEntries(entries), echoed };
}

/** An HTTP error, or an error envelope inside a 200 (Kie.ai puts its `code` in the body). */
function isErrorAnswer(response: FakeResponse): boolean {
  if ((response.status ?? 200) >= 400) return true;
  const code = (response.json as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' && code >= 400;
}

/**
 * A careless upstream: quotes the credentials the request carried inside its error message
 * fields, as some real APIs and proxies do. Only message texts change; codes, statuses and the
 * envelope stay as the provider documents them. Answers `echoed: false` when the body had no
 * message field to carry it.
 */
export function echoCredentials(
  request: FakeRequest,
  response: FakeResponse,
): { response: FakeResponse; echoed: boolean } {
  const credential = requestCredential(request);
  if (!credential || !isErrorAnswer(response)) return { response, echoed: false };
  const echo = echoOf(credential);
  if (typeof response.body === 'string')
    return { response: { ...response, body: `${response.body}${echo}` }, echoed: true };
  if (response.json === undefined) return { response, echoed: false };
  const result = echoInto(response.json, echo);
  return { response: { ...response, json: result.value }, echoed: result.echoed };
}
