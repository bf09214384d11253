import { describe, expect, it } from 'vitest';
import { resolveRoutingSettings, type FlagRow } from './routing-settings.js';

const providers = ['fal', 'runware', 'gemini'];
const resolve = (rows: FlagRow[]) => resolveRoutingSettings({}, rows, providers);

describe('resolveRoutingSettings', () => {
  it('should take the text of a value row whatever flag_value says (the S2 runbook writes false)', () => {
    const settings = resolve([
      {
        flag_key: 'GEN_PROVIDER_WEIGHTS',
        flag_value: false,
        flag_value_text: '{"fal":0.9,"runware":0.1}',
      },
      { flag_key: 'GEN_ROUTING_STRATEGY', flag_value: false, flag_value_text: 'round_robin' },
      { flag_key: 'GEN_PRIMARY_PROVIDER', flag_value: false, flag_value_text: 'runware' },
      {
        flag_key: 'GEN_PROVIDER_WEIGHTS:flux-dev',
        flag_value: false,
        flag_value_text: '{"gemini":1}',
      },
    ]);
    expect(settings).toMatchObject({
      weights: { fal: 0.9, runware: 0.1 },
      strategy: 'round_robin',
      primary: 'runware',
      chain: ['runware', 'fal', 'gemini'],
      models: { 'flux-dev': { weights: { gemini: 1 } } },
      errors: [],
    });
  });

  it('should treat a value row without text as absent, and keep the defaults', () => {
    const settings = resolveRoutingSettings(
      { weights: { fal: 1 } },
      [{ flag_key: 'GEN_PROVIDER_WEIGHTS', flag_value: true, flag_value_text: null }],
      providers,
    );
    expect(settings.weights).toEqual({ fal: 1 });
  });

  it('should read the boolean of a provider switch row, and its text when it says off', () => {
    const settings = resolve([
      { flag_key: 'RUNWARE_ENABLED', flag_value: false, flag_value_text: null },
      { flag_key: 'FAL_ENABLED', flag_value: true, flag_value_text: 'off' },
      { flag_key: 'GEMINI_ENABLED', flag_value: true, flag_value_text: null },
    ]);
    expect(settings.providerSwitches).toEqual({ runware: false, fal: false, gemini: true });
  });

  it('should read a model redirect per model, and refuse one without a model', () => {
    const settings = resolve([
      {
        flag_key: 'GEN_MODEL_REDIRECT:flux-dev',
        flag_value: true,
        flag_value_text: '{"to":"flux-2","weight":0.1}',
      },
      {
        flag_key: 'GEN_MODEL_REDIRECT',
        flag_value: true,
        flag_value_text: '{"to":"x","weight":1}',
      },
      {
        flag_key: 'GEN_MODEL_REDIRECT:sdxl',
        flag_value: true,
        flag_value_text: '{"to":"flux-2","weight":2}',
      },
    ]);
    expect(settings.redirects).toEqual({ 'flux-dev': { to: 'flux-2', weight: 0.1 } });
    expect(settings.errors.map((error) => error.key)).toEqual([
      'GEN_MODEL_REDIRECT',
      'GEN_MODEL_REDIRECT:sdxl',
    ]);
  });
});
