import { startTestGateway, type TestGateway } from './test-gateway.js';

export const dashboardAdminKey = 'dashboard-admin-key';

/**
 * A gateway for the browser tests: two simulators serving images and video, real time (the
 * browser polls, so there is no test clock to move), 1 s rollup buckets and a rollout
 * controller that ticks on its own so a degraded canary is rolled back within seconds.
 */
export function startDashboardGateway(): Promise<TestGateway> {
  const simulator = (id: string) => ({
    id,
    type: 'simulator' as const,
    latencyMs: { p50: 100, p95: 200 },
    models: ['sim-image', 'sim-video'],
    costPerImage: 0.002,
    costPerSecond: 0.01,
  });
  const guardrail = (limit: number) => ({ enabled: true, limit, windowSeconds: 4, minSamples: 4 });
  return startTestGateway('pglite', {
    adminKey: dashboardAdminKey,
    providers: [simulator('sim-a'), simulator('sim-b')],
    routing: { weights: { 'sim-a': 0.5, 'sim-b': 0.5 } },
    health: { checkIntervalSeconds: 0 },
    analytics: { rollupBucketSeconds: 1, flushIntervalMs: 200 },
    rollouts: {
      enabled: true,
      tickSeconds: 0.2,
      leaseSeconds: 3,
      // Seconds-long windows so a degraded canary is caught while the test watches.
      defaults: {
        guardrails: {
          p95_latency: guardrail(30_000),
          failure_rate: guardrail(0.2),
          cost_per_output: guardrail(1.5),
          regenerate_rate: { ...guardrail(0.5), enabled: false },
        },
      },
    },
  });
}
