import type { Config } from '../config/config-schema.js';
import type { GenerationRequest } from '../core/generation-request.js';
import type { ProviderAdapter } from '../core/provider-adapter.js';
import type { Warning } from '../core/warning.js';
import type { Logger } from '../observability/logger.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { RoutingPlan } from '../routing/routing-candidate.js';

export interface PromptEnhancerOptions {
  instances: ProviderInstances;
  settings: Config['promptEnhancement'];
  /** Aborted at shutdown. */
  shutdown: AbortSignal;
  logger: Logger;
}

/**
 * Prompt enhancement at job creation (`enhance_prompt: true`): the configured provider, or the
 * provider routing would try first when it can enhance (Runware's `promptEnhance`), rewrites the
 * prompt before the job is stored, so the job records the prompt actually sent. Enhancement is
 * a nicety: when nobody can do it, or the call fails, the original prompt is used and a warning
 * on the job says so.
 */
export class PromptEnhancer {
  constructor(private readonly options: PromptEnhancerOptions) {}

  /** Which provider would enhance a request with this plan; undefined when none can. */
  pick(plan: RoutingPlan): ProviderAdapter | undefined {
    const { instances, settings } = this.options;
    if (settings.provider) {
      const configured = instances.get(settings.provider);
      return configured?.enabled && configured.adapter.enhancePrompt
        ? configured.adapter
        : undefined;
    }
    const first = plan.candidates[0]?.adapter;
    return first?.enhancePrompt ? first : undefined;
  }

  /** Rewrites `request.prompt` in place when asked and possible; returns warnings to store. */
  async enhance(request: GenerationRequest, plan: RoutingPlan): Promise<Warning[]> {
    if (!request.enhancePrompt) return [];
    const adapter = this.pick(plan);
    if (!adapter?.enhancePrompt) {
      const where = this.options.settings.provider
        ? `provider '${this.options.settings.provider}' cannot enhance prompts (or is disabled)`
        : `provider '${plan.candidates[0]?.providerId ?? 'none'}' has no prompt enhancement`;
      return [
        {
          code: 'prompt_enhancement_unavailable',
          parameter: 'enhance_prompt',
          message: `The prompt was sent as given: ${where}.`,
        },
      ];
    }
    const { settings, shutdown } = this.options;
    try {
      const result = await callWithTimeout(adapter.id, settings.timeoutMs, shutdown, (signal) =>
        adapter.enhancePrompt!(
          { prompt: request.prompt, maxLength: settings.maxLength },
          { signal },
        ),
      );
      request.originalPrompt ??= request.prompt;
      request.prompt = result.prompt;
      request.promptEnhancedBy = adapter.id;
      return [];
    } catch (error) {
      this.options.logger.warn(
        { provider: adapter.id, error: (error as Error).message },
        'prompt enhancement failed; the original prompt is used',
      );
      return [
        {
          code: 'prompt_enhancement_failed',
          parameter: 'enhance_prompt',
          message: `The prompt was sent as given: ${adapter.id} could not enhance it (${(error as Error).message}).`,
        },
      ];
    }
  }
}
