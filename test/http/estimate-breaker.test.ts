import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../helpers/http-client.js';
import { createTestClock } from '../helpers/test-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('POST /v1/estimate and a half-open circuit', () => {
  const clock = createTestClock();
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway(
      'pglite',
      {
        providers: [{ id: 'simulator', type: 'simulator' }],
        health: {
          checkIntervalSeconds: 0,
          breaker: {
            consecutiveFailures: 2,
            failureRatio: 0.5,
            minimumRequests: 10,
            windowSeconds: 60,
            cooldownSeconds: 1,
          },
        },
      },
      { now: clock.now, runWorkers: false },
    );
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should leave the probe of a recovered provider to real traffic', async () => {
    const { health } = test.gateway;
    for (let failure = 0; failure < 2; failure++)
      health.attemptFinished({
        jobId: `gen_${failure}`,
        provider: 'simulator',
        model: 'sim-image',
        phase: 'submit',
        ok: false,
        errorCode: 'provider_unavailable',
        providerFault: true,
        latencyMs: 5,
      });
    expect(health.circuit('simulator')).toBe('open');
    clock.advance(1500);
    expect(health.circuit('simulator')).toBe('half_open');

    for (let estimate = 0; estimate < 3; estimate++) {
      const response = await postJson(`${test.url}/v1/estimate`, {
        model: 'sim-image',
        prompt: 'a lantern',
      });
      expect(response.status).toBe(200);
    }
    // The first real request becomes the probe; an estimate took it before.
    expect(health.hold('simulator')).toBeUndefined();
    expect(health.hold('simulator')).toBe('circuit_open');
  });
});
