import type { AppDependencies } from './app-dependencies.js';
import { s3DefaultModel, s3FallbackModels } from './s3-motif-translation.js';

type Dependencies = Pick<AppDependencies, 'config' | 'instances' | 'controlPlane' | 'health'>;

/**
 * The two views several `/motif/services` answers repeat, in S3's field names: the routing in
 * force, and each provider's switch, health, circuit and load. Read fresh on every call, so an
 * answer shows a change made a moment ago on another instance.
 */
export function s3MotifServiceViews(dependencies: Dependencies) {
  const { config, instances, controlPlane, health } = dependencies;
  return {
    routing() {
      const settings = controlPlane.settings();
      const model = s3DefaultModel(instances, config);
      return {
        routing_strategy: settings.strategy,
        primary_provider: settings.primary,
        fallback_providers: settings.chain.slice(1),
        default_model: model ?? null,
        fallback_models: s3FallbackModels(instances, config, model),
      };
    },

    providers() {
      const live = health.describe();
      return Object.fromEntries(
        instances.list().map(({ adapter, enabled }) => {
          const view = live[adapter.id];
          return [
            adapter.id,
            {
              name: adapter.id,
              type: adapter.type,
              enabled,
              healthy: view?.ok ?? false,
              circuit: view?.circuit ?? 'closed',
              credits: view?.credits ?? 'unknown',
              error: view?.error ?? null,
              success_rate: view?.success_rate ?? null,
              p95_latency_ms: view?.p95_latency_ms ?? null,
              in_flight: view?.in_flight ?? 0,
              last_check_at: view?.last_check_at ?? null,
            },
          ];
        }),
      );
    },
  };
}
