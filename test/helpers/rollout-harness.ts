import type { Rollout } from '../../src/rollout/rollout-store.js';
import { StartRolloutSchema } from '../../src/core/rollout-plan.js';
import type { TestGateway } from './test-gateway.js';

/**
 * The rollout service and controller of one test gateway started with `now: clock.now`: stage
 * starts, evaluations and decisions are stamped with the test clock, the same clock the
 * gateway's analytics bucket samples with, so a test moves through stages and windows with
 * `clock.advance()` and `tick()` instead of sleeping. Start the gateway with
 * `rollouts.enabled: false` so that only these ticks evaluate.
 */
export function rolloutHarness(test: TestGateway) {
  const { rollouts: service, rolloutController: controller } = test.gateway;
  return {
    service,
    controller,
    /** Starts a rollout as `POST /admin/rollouts` does (same schema, same service). */
    start(body: unknown): Promise<Rollout> {
      const request = StartRolloutSchema.parse(body);
      return service.start(request, { actor: 'admin', reason: request.reason });
    },
    /** One controller pass (lease, then every due rollout). */
    tick: () => controller.tick(),
    stop: () => controller.stop(),
  };
}
export type RolloutHarness = ReturnType<typeof rolloutHarness>;
