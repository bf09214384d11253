import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('input references of OpenAI-compatible videos', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite');
  });
  afterAll(async () => {
    await test?.close();
  });

  it.each(['file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ftp://127.0.0.1/x.png', 'x'])(
    'should refuse %s before storing a job',
    async (reference) => {
      const response = await postJson(`${test.url}/v1/videos`, {
        model: 'sim-video',
        prompt: 'waves',
        input_reference: reference,
      });
      expect(response.status).toBe(400);
      const { error } = ErrorBody.parse(response.body);
      expect(error.message).toContain('input_reference');
      const { rows } = await test.gateway.database.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM generations',
      );
      expect(rows[0]!.count).toBe(0);
    },
  );
});
