import type { z } from 'zod';
import { GatewayError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import { formatIssues } from '../../config/load-config.js';
import type { ControlPlane } from './control-plane.js';
import type { ChangeAuthor } from './control-plane-store.js';
import type { FlagRow } from './routing-settings.js';
import type { Logger } from '../../observability/logger.js';
import type { ProviderInstances } from '../../providers/provider-instances.js';
import { SimulatorAdapter } from '../../providers/simulator/simulator-adapter.js';
import {
  SimulatorProfilePatchSchema,
  SimulatorProfileSchema,
} from '../../providers/simulator/simulator-profile.js';

const profileKeyPrefix = 'SIMULATOR_PROFILE:';

/**
 * Runtime changes to simulator profiles (drills) from the admin API. A profile is a control-plane
 * row (`SIMULATOR_PROFILE:<id>` in `feature_flags`), so it survives restarts, is audited, and
 * reaches every instance the same way weights do.
 */
export class ProviderAdmin {
  private readonly applied = new Map<string, string>();

  constructor(
    private readonly controlPlane: ControlPlane,
    private readonly instances: ProviderInstances,
    private readonly logger: Logger,
  ) {
    // Registered before the control plane starts, so stored profiles apply at its first read.
    controlPlane.onFlags((rows) => this.apply(rows));
  }

  /** Changes a simulator's profile on every instance; returns the new profile. */
  async patchProfile(
    providerId: string,
    body: unknown,
    author: ChangeAuthor,
  ): Promise<z.infer<typeof SimulatorProfileSchema>> {
    const instance = this.instances.get(providerId);
    if (!instance) throw new NotFoundError('provider', providerId);
    if (!(instance.adapter instanceof SimulatorAdapter)) {
      throw new GatewayError({
        code: 'not_a_simulator',
        message: `Provider '${providerId}' is a ${instance.adapter.type} provider; only simulator profiles can be changed at runtime.`,
        httpStatus: 409,
      });
    }
    const parsed = SimulatorProfilePatchSchema.safeParse(body);
    if (!parsed.success) {
      throw new ValidationError(`Invalid profile change:\n${formatIssues(parsed.error.issues)}`, {
        issues: parsed.error.issues.map((issue) => ({
          field: issue.path.join('.'),
          message: issue.message,
        })),
      });
    }
    const profile = SimulatorProfileSchema.parse({ ...instance.adapter.profile, ...parsed.data });
    await this.controlPlane.store.set(
      `${profileKeyPrefix}${providerId}`,
      { text: JSON.stringify(profile), description: `Simulator ${providerId} profile` },
      author,
    );
    await this.controlPlane.reload();
    return instance.adapter.profile;
  }

  private apply(rows: readonly FlagRow[]): void {
    for (const row of rows) {
      if (!row.flag_key.startsWith(profileKeyPrefix) || row.flag_value_text === null) continue;
      if (this.applied.get(row.flag_key) === row.flag_value_text) continue;
      const adapter = this.instances.adapter(row.flag_key.slice(profileKeyPrefix.length));
      if (!(adapter instanceof SimulatorAdapter)) continue;
      let profile;
      try {
        profile = SimulatorProfileSchema.safeParse(JSON.parse(row.flag_value_text));
      } catch {
        profile = undefined;
      }
      if (!profile?.success) {
        this.logger.warn({ key: row.flag_key }, 'ignoring an unreadable simulator profile');
        continue;
      }
      // The models a simulator serves come from its config; a profile changes its behaviour.
      const { models: _models, ...behaviour } = profile.data;
      adapter.updateProfile(behaviour);
      this.instances.changed();
      this.applied.set(row.flag_key, row.flag_value_text);
      this.logger.info({ provider: adapter.id, profile: behaviour }, 'simulator profile applied');
    }
  }
}
