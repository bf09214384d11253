import { z } from 'zod';
import { isStrategyName, type StrategyName } from '../../core/strategy-name.js';
import { FlagKey, parseFlagKey, providerSwitchKey } from './flag-keys.js';

/** Routing choices for one scope (global or one model). Absent fields inherit. */
export interface RoutingScope {
  strategy?: StrategyName;
  chain?: string[];
  weights?: Record<string, number>;
}

/** The effective routing configuration every instance obeys. */
export interface RoutingSettings {
  /** Strategy used when a model has none of its own. */
  strategy: StrategyName;
  /** Whether `strategy` was chosen explicitly (else derived: weighted when weights exist). */
  strategyExplicit: boolean;
  /** Global chain, primary first. */
  chain: string[];
  /** Global weights. */
  weights: Record<string, number>;
  /** First provider of the chain, if any. */
  primary: string | null;
  /** Per-model overrides. */
  models: Record<string, RoutingScope>;
  /** Model redirects by the model asked for (a model rollout's split). */
  redirects: Record<string, ModelRedirect>;
  /** Provider switches from `<ID>_ENABLED` rows (absent = config decides). */
  providerSwitches: Record<string, boolean>;
  /** Flags that could not be read (the previous valid value stays in force). */
  errors: { key: string; message: string }[];
}

/** A share of one model's requests sent to another model instead. */
export interface ModelRedirect {
  /** Catalog key of the model that serves the redirected requests. */
  to: string;
  /** Share of the requests redirected (0–1), sticky per user like provider weights. */
  weight: number;
}

export const ModelRedirectSchema = z
  .object({ to: z.string().min(1), weight: z.number().min(0).max(1) })
  .strict();

/** A feature_flags row. */
export interface FlagRow {
  flag_key: string;
  flag_value: boolean;
  flag_value_text: string | null;
}

export const WeightsSchema = z
  .record(z.string().min(1), z.number().min(0).finite())
  .refine((weights) => Object.keys(weights).length > 0, 'at least one provider')
  .refine(
    (weights) => Object.values(weights).some((weight) => weight > 0),
    'at least one weight must be above 0',
  );

function parseChain(text: string): string[] {
  const trimmed = text.trim();
  const list: unknown = trimmed.startsWith('[') ? JSON.parse(trimmed) : trimmed.split(',');
  const parsed = z
    .array(z.string())
    .parse(list)
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (parsed.length === 0) throw new Error('the chain is empty');
  return parsed;
}

function withPrimary(chain: string[], primary: string | null | undefined): string[] {
  if (!primary) return chain;
  return [primary, ...chain.filter((entry) => entry !== primary)];
}

/**
 * Builds the effective settings from config defaults and feature-flag rows (flags win). Pure:
 * a flag that cannot be read is reported in `errors` and ignored, never thrown.
 */
export function resolveRoutingSettings(
  defaults: RoutingScope & { primary?: string; models?: Record<string, RoutingScope> },
  rows: readonly FlagRow[],
  providerIds: readonly string[],
): RoutingSettings {
  const errors: RoutingSettings['errors'] = [];
  const global: RoutingScope = {
    strategy: defaults.strategy,
    chain: defaults.chain,
    weights: defaults.weights,
  };
  let primary = defaults.primary ?? null;
  const models: Record<string, RoutingScope> = structuredClone(defaults.models ?? {});
  const providerSwitches: Record<string, boolean> = {};
  const redirects: Record<string, ModelRedirect> = {};
  const switchKeys = new Map(providerIds.map((id) => [providerSwitchKey(id), id]));

  for (const row of rows) {
    const switched = switchKeys.get(row.flag_key);
    if (switched) {
      const text = row.flag_value_text?.trim().toLowerCase();
      providerSwitches[switched] =
        text === 'false' || text === '0' || text === 'off' ? false : row.flag_value;
      continue;
    }
    const { base, model } = parseFlagKey(row.flag_key);
    if (!Object.values(FlagKey).includes(base as FlagKey)) continue;
    // For a value row the text is the value, whatever `flag_value` says: the S2 runbook
    // inserts its weights with `flag_value = false` and they are live. Only the provider
    // switches above read the boolean.
    if (row.flag_value_text === null) continue;
    try {
      if (base === FlagKey.modelRedirect) {
        if (!model)
          throw new Error('a model redirect names its model (GEN_MODEL_REDIRECT:<model>)');
        redirects[model] = ModelRedirectSchema.parse(JSON.parse(row.flag_value_text));
        continue;
      }
      const scope = model ? (models[model] ??= {}) : global;
      switch (base) {
        case FlagKey.weights:
          scope.weights = WeightsSchema.parse(JSON.parse(row.flag_value_text));
          break;
        case FlagKey.strategy: {
          const name = row.flag_value_text.trim();
          if (!isStrategyName(name)) throw new Error(`unknown strategy '${name}'`);
          scope.strategy = name;
          break;
        }
        case FlagKey.chain:
          scope.chain = parseChain(row.flag_value_text);
          break;
        case FlagKey.primary:
          if (model)
            throw new Error('the primary provider is global; use a per-model chain instead');
          primary = row.flag_value_text.trim() || null;
          break;
      }
    } catch (error) {
      errors.push({
        key: row.flag_key,
        message:
          error instanceof z.ZodError
            ? error.issues.map((issue) => issue.message).join('; ')
            : (error as Error).message,
      });
    }
  }
  const chain = withPrimary(global.chain ?? [...providerIds], primary);
  const weights = global.weights ?? {};
  const strategyExplicit = global.strategy !== undefined;
  return {
    strategy: global.strategy ?? (Object.keys(weights).length ? 'weighted' : 'primary_first'),
    strategyExplicit,
    chain,
    weights,
    primary: chain[0] ?? null,
    models,
    redirects,
    providerSwitches,
    errors,
  };
}

/** The scope that applies to one model: its overrides on top of the global settings. */
export function settingsForModel(settings: RoutingSettings, model: string): Required<RoutingScope> {
  const own = settings.models[model] ?? {};
  const weights = own.weights ?? settings.weights;
  const strategy =
    own.strategy ?? (own.weights && !settings.strategyExplicit ? 'weighted' : settings.strategy);
  return { strategy, chain: own.chain ?? settings.chain, weights };
}
