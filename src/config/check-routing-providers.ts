import type { Config } from './config-schema.js';
import { ConfigError, settingName } from './load-config.js';

/**
 * Stops start-up when routing settings name a provider id that is not loaded: a typo in
 * `routing.weights`, `routing.chain` or `PRIMARY_IMAGE_PROVIDER` would otherwise start quietly
 * and route somewhere else. Each problem names the setting the user wrote.
 */
export function checkRoutingProviders(config: Config, providerIds: readonly string[]): void {
  const known = new Set(providerIds);
  const problems: string[] = [];
  const check = (key: string, ids: readonly string[]) => {
    for (const id of ids)
      if (!known.has(id))
        problems.push(
          `  ${settingName(config, key)}: unknown provider id '${id}' (loaded: ${providerIds.join(', ')})`,
        );
  };
  const scopes: [string, { chain?: string[]; weights?: Record<string, number> }][] = [
    ['routing', config.routing],
    ...Object.entries(config.routing.models).map(
      ([model, scope]) => [`routing.models.${model}`, scope] as [string, typeof scope],
    ),
  ];
  if (config.routing.primary) check('routing.primary', [config.routing.primary]);
  for (const [key, scope] of scopes) {
    if (scope.chain) check(`${key}.chain`, scope.chain);
    if (scope.weights) check(`${key}.weights`, Object.keys(scope.weights));
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}
