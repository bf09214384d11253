/**
 * Feature-flag keys the control plane reads. Global keys apply to every model; the same key
 * with `:<model>` (e.g. `GEN_PROVIDER_WEIGHTS:veo-3-fast`) overrides it for one model.
 */
export const FlagKey = {
  /** `flag_value_text`: weights JSON, e.g. `{"fal":0.9,"runware":0.1}` (the seed runbook's row). */
  weights: 'GEN_PROVIDER_WEIGHTS',
  /** `flag_value_text`: a strategy name (`weighted`, `primary_first`, …). */
  strategy: 'GEN_ROUTING_STRATEGY',
  /** `flag_value_text`: JSON array or comma list of provider ids, primary first. */
  chain: 'GEN_PROVIDER_CHAIN',
  /** `flag_value_text`: the primary provider id (placed first in the chain). */
  primary: 'GEN_PRIMARY_PROVIDER',
  /**
   * Per model only (`GEN_MODEL_REDIRECT:flux-dev`), `flag_value_text`: `{"to":"flux-2","weight":0.1}`,
   * the share of that model's requests served by another model (a model rollout writes it).
   */
  modelRedirect: 'GEN_MODEL_REDIRECT',
} as const;
export type FlagKey = (typeof FlagKey)[keyof typeof FlagKey];

/**
 * The switch row for one provider: `<ID>_ENABLED` (upper case, `-` → `_`), `flag_value` false
 * switches it off everywhere — the seed systems' `RUNWARE_ENABLED` flag.
 */
export function providerSwitchKey(providerId: string): string {
  return `${providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_ENABLED`;
}

/** Splits `GEN_PROVIDER_WEIGHTS:flux-dev` into its base key and model. */
export function parseFlagKey(key: string): { base: string; model?: string } {
  const separator = key.indexOf(':');
  return separator === -1
    ? { base: key }
    : { base: key.slice(0, separator), model: key.slice(separator + 1) };
}

/** The key for a setting, global or for one model. */
export function flagKeyFor(base: FlagKey, model?: string): string {
  return model ? `${base}:${model}` : base;
}
