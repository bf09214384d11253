import type { ProviderEntry } from '../config/config-schema.js';
import { ConfigError, formatIssues } from '../config/load-config.js';
import type { ProviderFactory, ProviderRuntime } from './kernel/provider-factory.js';
import { redactingAdapter, secretsInConfig } from './kernel/redacting-adapter.js';
import { ProviderInstances } from './provider-instances.js';
import { providerFactories } from './registry.js';

/** Default when nothing is configured: one simulator serving `sim-image` and `sim-video`. */
const defaultProviders: ProviderEntry[] = [{ id: 'simulator', type: 'simulator' }];

export interface LoadedProviders {
  instances: ProviderInstances;
  /** One line per provider for the start-up log (never containing keys). */
  summary: string[];
}

/**
 * Builds provider instances from the config file's `providers` entries plus providers enabled
 * by environment variables alone. Each entry is validated by its type's schema; a bad entry
 * stops start-up with a message naming `providers[i].field`.
 */
export function loadProviders(
  entries: readonly ProviderEntry[] | undefined,
  runtime: ProviderRuntime,
  factories: readonly ProviderFactory[] = providerFactories,
): LoadedProviders {
  const byType = new Map(factories.map((factory) => [factory.type, factory]));
  const configured: { entry: Record<string, unknown>; label: string }[] = (entries ?? []).map(
    (entry, index) => ({
      entry,
      label: `providers[${index}]`,
    }),
  );
  for (const factory of factories) {
    const variables = factory.environment;
    if (!variables) continue;
    const apiKey = variables.apiKey
      .map((name) => runtime.env[name])
      .find((value) => value !== undefined && value !== '');
    const baseUrl = runtime.env[variables.baseUrl] || undefined;
    const enabledValue = runtime.env[variables.enabled]?.trim().toLowerCase();
    const enabled = switchFromEnv(enabledValue, variables.enabled);
    const ofType = configured.filter(({ entry }) => entry.type === factory.type);
    // Environment variables fill in (key) or override (base URL, switch) config-file entries.
    for (const item of ofType) {
      item.entry = { ...item.entry };
      if (item.entry.apiKey === undefined && apiKey) item.entry.apiKey = apiKey;
      if (baseUrl) item.entry.baseUrl = baseUrl;
      if (enabled !== undefined) item.entry.enabled = enabled;
    }
    if (ofType.length === 0 && apiKey) {
      configured.push({
        entry: {
          id: factory.type,
          type: factory.type,
          apiKey,
          ...(baseUrl ? { baseUrl } : {}),
          ...(enabled !== undefined ? { enabled } : {}),
        },
        label: `environment (${variables.apiKey[0]})`,
      });
    }
  }
  if (configured.length === 0) {
    for (const entry of defaultProviders) configured.push({ entry, label: 'default simulator' });
  }

  const seen = new Map<unknown, string>();
  for (const { entry, label } of configured) {
    const earlier = seen.get(entry.id);
    // Caught here, with the entries' names, rather than as a bare error from the instance map.
    if (earlier !== undefined)
      throw new ConfigError(
        `Invalid configuration:\n  ${label}.id: duplicate provider id '${String(entry.id)}' (already used by ${earlier})`,
      );
    if (entry.id !== undefined) seen.set(entry.id, label);
  }
  const adapters = configured.map(({ entry, label }) => {
    const factory = byType.get(String(entry.type));
    if (!factory) {
      throw new ConfigError(
        `Invalid configuration:\n  ${label}.type: unknown provider type '${String(entry.type)}' (known: ${[...byType.keys()].join(', ')})`,
      );
    }
    const parsed = factory.configSchema.safeParse(entry);
    if (!parsed.success)
      throw new ConfigError(`Invalid configuration:\n${formatIssues(parsed.error.issues, label)}`);
    const config = parsed.data as { id: string; type: string; enabled?: boolean; baseUrl?: string };
    // A provider's own base URL (often a fake or proxy on a private address) may be downloaded
    // from: that host on that port only (a URL without a port means the scheme's port, never
    // "every port of the host").
    if (config.baseUrl) runtime.fetchContext.guard.addAllowedHost(hostAndPort(config.baseUrl));
    // Every adapter's errors and failure texts pass the one redaction step (keys echoed back).
    const adapter = redactingAdapter(factory.create(config, runtime), secretsInConfig(config));
    return { adapter, enabled: config.enabled !== false };
  });
  const instances = new ProviderInstances(adapters);
  const summary = instances.list().map(({ adapter, enabled }) => {
    const models = adapter.models.map((model) => model.modelKey).join(', ');
    return `provider ${adapter.id} (${adapter.type})${enabled ? '' : ' [disabled]'}: ${models}`;
  });
  return { instances, summary };
}

/** A provider's on/off variable: the documented words only, so a typo cannot mean "on". */
function switchFromEnv(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(
    `Invalid configuration:\n  ${name}: expected one of true, 1, yes, on, false, 0, no, off ('${value}')`,
  );
}

/** `host:port` of a URL, the port made explicit (`http://10.0.0.5/v1` → `10.0.0.5:80`). */
function hostAndPort(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${parsed.hostname}:${port}`;
}
