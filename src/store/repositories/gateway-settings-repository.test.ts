import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { backends } from '../../../test/helpers/test-database.js';
import { GatewaySettingsRepository } from './gateway-settings-repository.js';

describe.each(backends)('GatewaySettingsRepository on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let settings: GatewaySettingsRepository;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    settings = new GatewaySettingsRepository(opened.database);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should have no webhook secret before one is stored', async () => {
    expect(await settings.webhookSecret()).toBeUndefined();
  });

  it('should keep the first webhook secret stored', async () => {
    await settings.insertWebhookSecretIfAbsent('whsec_first');
    await settings.insertWebhookSecretIfAbsent('whsec_second');
    expect(await settings.webhookSecret()).toBe('whsec_first');
  });

  it('should treat a stored value that is not a string as no secret', async () => {
    await opened.database.query(
      `UPDATE gateway_settings SET value = '{"not": "a secret"}'::jsonb WHERE key = 'webhook_secret'`,
    );
    expect(await settings.webhookSecret()).toBeUndefined();
  });
});
