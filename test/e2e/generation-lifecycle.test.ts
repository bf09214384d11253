import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { postJson } from '../helpers/http-client.js';

describe.each(backends)('generation lifecycle on %s', (backend) => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway(backend, {
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 200, p95: 400 } }],
    });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should generate a PNG image through the simulator and serve it', async () => {
    const { status, body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'a red balloon',
      width: 256,
      height: 128,
      seed: 7,
    });
    expect(status).toBe(200);
    expect(body.status).toBe('succeeded');
    expect(body.provider).toBe('simulator');
    expect(body.outputs).toHaveLength(1);
    expect(body.attempts).toHaveLength(1);
    expect(body.attempts[0].status).toBe('succeeded');
    expect(body.cost.actual_usd).toBeCloseTo(0.002);
    const image = await fetch(body.outputs[0].url.replace(/^http:\/\/[^/]+/, test.url));
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(256);
    expect(bytes.readUInt32BE(20)).toBe(128);
  });
});
