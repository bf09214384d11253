import { JobBody } from './api-schemas.js';
import { postJson } from './http-client.js';
import type { TestGateway } from './test-gateway.js';

/** Creates a generation and waits up to `waitSeconds` for it, reading the answer as a job. */
export async function generate(
  test: TestGateway,
  request: Record<string, unknown>,
  waitSeconds = 20,
): Promise<{ status: number; job: JobBody }> {
  const { status, body } = await postJson(
    `${test.url}/v1/generations?wait=${waitSeconds}`,
    request,
  );
  return { status, job: JobBody.parse(body) };
}

/** Downloads a job's output from the gateway under test, whatever host its URL names. */
export async function downloadOutput(
  test: TestGateway,
  url: string,
): Promise<{ contentType: string | null; bytes: Buffer }> {
  const response = await fetch(url.replace(/^http:\/\/[^/]+/, test.url));
  return {
    contentType: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}
