import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { backends } from '../../../test/helpers/test-database.js';
import { GatewaySettingKey, GatewaySettingsRepository } from './gateway-settings-repository.js';

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
    expect(await settings.get(GatewaySettingKey.webhookSecret)).toBeUndefined();
  });

  it('should keep the first value stored, and each key apart', async () => {
    await settings.insertIfAbsent(GatewaySettingKey.webhookSecret, 'whsec_first');
    await settings.insertIfAbsent(GatewaySettingKey.webhookSecret, 'whsec_second');
    expect(await settings.get(GatewaySettingKey.webhookSecret)).toBe('whsec_first');
    expect(await settings.get(GatewaySettingKey.apiKeyHashSecret)).toBeUndefined();
  });

  it('should create a value once and hand every later caller the same one', async () => {
    const first = await settings.getOrCreate(GatewaySettingKey.apiKeyHashSecret, () => 'one');
    const second = await settings.getOrCreate(GatewaySettingKey.apiKeyHashSecret, () => 'two');
    expect([first, second]).toEqual(['one', 'one']);
  });

  it('should treat a stored value that is not a string as absent, and refuse to create over it', async () => {
    await opened.database.query(
      `UPDATE gateway_settings SET value = '{"not": "a secret"}'::jsonb WHERE key = 'webhook_secret'`,
    );
    expect(await settings.get(GatewaySettingKey.webhookSecret)).toBeUndefined();
    await expect(
      settings.getOrCreate(GatewaySettingKey.webhookSecret, () => 'whsec_new'),
    ).rejects.toThrow("stored gateway setting 'webhook_secret' is unreadable");
  });
});
