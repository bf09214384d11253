import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../helpers/api-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** Refusals by Fastify's router, before any route or hook runs, found by the route fuzzer. */
describe('router refusals', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite');
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should answer an over-long path parameter with 414 in the error envelope', async () => {
    const response = await test.gateway.app.inject({
      method: 'GET',
      url: `/v1/generations/${'x'.repeat(500)}`,
    });
    expect(response.statusCode).toBe(414);
    expect(ErrorBody.parse(response.json()).error.code).toBe('uri_too_long');
  });

  it('should answer a path that is not valid percent-encoding with 400 in the error envelope', async () => {
    const response = await test.gateway.app.inject({
      method: 'GET',
      url: '/v1/generations/%E0%A4%A',
    });
    expect(response.statusCode).toBe(400);
    expect(ErrorBody.parse(response.json()).error.code).toBe('invalid_request');
  });
});
