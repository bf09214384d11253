import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { z } from 'zod';
import { postJson } from '../helpers/http-client.js';
import { JobBody } from '../helpers/api-schemas.js';

/** The answer of `POST /v1/estimate`. */
const EstimateBody = z.looseObject({
  providers: z.array(
    z.looseObject({
      provider: z.string(),
      provider_model_id: z.string(),
      estimated_usd: z.number().nullable(),
    }),
  ),
});

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
    const response = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'a red balloon',
      width: 256,
      height: 128,
      seed: 7,
    });
    expect(response.status).toBe(200);
    const body = JobBody.parse(response.body);
    expect(body.status).toBe('succeeded');
    expect(body.provider).toBe('simulator');
    expect(body.outputs).toHaveLength(1);
    expect(body.attempts).toHaveLength(1);
    expect(body.attempts[0]!.status).toBe('succeeded');
    expect(body.cost.actual_usd).toBeCloseTo(0.002);
    const image = await fetch(body.outputs[0]!.url.replace(/^http:\/\/[^/]+/, test.url));
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(256);
    expect(bytes.readUInt32BE(20)).toBe(128);
  });

  it("should accept a provider's own model id for a catalog model and estimate costs", async () => {
    const { body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'simulator/sim-image',
      prompt: 'by provider id',
      width: 64,
      height: 64,
    });
    expect(body).toMatchObject({ status: 'succeeded', model: 'sim-image' });
    const estimate = await postJson(`${test.url}/v1/estimate`, {
      model: 'sim-video',
      prompt: 'x',
      duration: 10,
    });
    expect(EstimateBody.parse(estimate.body).providers).toEqual([
      { provider: 'simulator', provider_model_id: 'simulator/sim-video', estimated_usd: 0.1 },
    ]);
    const models = (await (await fetch(`${test.url}/v1/models`)).json()) as {
      data: { id: string; providers: { price: unknown }[] }[];
    };
    expect(models.data.map((model) => model.id)).toEqual(['sim-image', 'sim-video']);
    expect(models.data[1]!.providers[0]!.price).toEqual({ type: 'per_second', usd: 0.01 });
  });
});
