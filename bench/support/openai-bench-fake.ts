import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal OpenAI Images API for load tests, run as its own process
 * (`node --import tsx bench/support/openai-bench-fake.ts`), printing `listening <port>`.
 *
 * Not `test/fakes/openai/openai-fake.ts`: that fake keeps every request (body included) in
 * memory, re-encodes its PNG per call and validates like OpenAI, which is right for contract
 * tests but would make the fake itself a bottleneck and a memory leak at thousands of req/s.
 * Here the answer is serialised once: a valid 1×1 PNG as `b64_json`, `usage` as gpt-image-1
 * reports it, and an `x-request-id`. Auth is checked (one string compare) so that a proxy that
 * drops the key is caught as 401s rather than measured as fast.
 */

const apiKey = process.env.BENCH_FAKE_API_KEY ?? 'bench-key';
const onePixelPng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const imagesAnswer = Buffer.from(
  JSON.stringify({
    created: 1_700_000_000,
    data: [{ b64_json: onePixelPng }],
    output_format: 'png',
    quality: 'medium',
    size: '1024x1024',
    usage: {
      input_tokens: 12,
      input_tokens_details: { text_tokens: 12, image_tokens: 0 },
      output_tokens: 1056,
      total_tokens: 1068,
    },
  }),
);
const modelsAnswer = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: ['gpt-image-1', 'dall-e-3'].map((id) => ({ id, object: 'model', owned_by: 'system' })),
  }),
);
const unauthorized = Buffer.from(
  JSON.stringify({
    error: {
      message: 'Incorrect API key provided.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
    },
  }),
);
const notFound = Buffer.from(
  JSON.stringify({
    error: { message: 'Invalid URL', type: 'invalid_request_error', code: null, param: null },
  }),
);

let sequence = 0;
const server = createServer((request, response) => {
  // The body is not needed, but it must be read for the connection to be reused.
  request.resume();
  request.on('end', () => {
    const send = (status: number, body: Buffer, extra: Record<string, string> = {}) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': String(body.length),
        ...extra,
      });
      response.end(body);
    };
    const path = (request.url ?? '/').split('?')[0];
    // Readiness probe for the benchmark; everything else needs the key.
    if (path === '/') return send(200, Buffer.from('{}'));
    // How many generations were answered, so the benchmark can check one call per job.
    if (path === '/bench/stats')
      return send(200, Buffer.from(JSON.stringify({ images: sequence })));
    if (request.headers.authorization !== `Bearer ${apiKey}`) return send(401, unauthorized);
    if (request.method === 'POST' && path === '/v1/images/generations')
      return send(200, imagesAnswer, { 'x-request-id': `req_bench_${++sequence}` });
    if (request.method === 'GET' && path === '/v1/models') return send(200, modelsAnswer);
    return send(404, notFound);
  });
});
// Longer than any pause in the benchmark, so proxies keep their pooled connections.
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
