import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installRouteDocs } from './document-routes.js';
import { jsonResponse } from './schemas/error-responses.js';

describe('installRouteDocs', () => {
  it('should refuse a documented route that declares no 2xx response', async () => {
    const app = Fastify();
    installRouteDocs(app, []);
    expect(() =>
      app.get('/v1/undescribed', { schema: { summary: 'no answer described' } }, async () => ({})),
    ).toThrow('GET /v1/undescribed declares no 2xx response');
    await app.close();
  });

  it('should add the common error answers to a described route, and leave hidden routes alone', async () => {
    const app = Fastify();
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));
    installRouteDocs(app, []);
    const described: { response: Record<string, unknown> } = {
      response: { 200: jsonResponse('ok', z.object({ ok: z.boolean() })) },
    };
    const hidden: { hide: true; response?: unknown } = { hide: true };
    app.get('/v1/described', { schema: described }, async () => ({ ok: true }));
    app.get('/hidden', { schema: hidden }, async () => ({ ok: true }));
    await app.ready();
    expect(Object.keys(described.response)).toEqual(['200', '400', '401', '403', '429', '500']);
    expect(hidden.response).toBeUndefined();
    const answer = await app.inject({ method: 'GET', url: '/v1/described' });
    expect(answer.json()).toEqual({ ok: true });
    await app.close();
  });
});
