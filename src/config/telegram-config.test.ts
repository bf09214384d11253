import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const token = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ';

describe('telegram config', () => {
  it('should take the token and the API root from the environment', async () => {
    const config = await loadConfig({
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9999',
    });
    expect(config.telegram).toMatchObject({
      botToken: token,
      apiRoot: 'http://127.0.0.1:9999',
      mode: 'auto',
      allowedUserIds: [],
      jobsPerMinute: 5,
    });
  });

  it('should stop start-up naming the variable of an unknown or malformed value', async () => {
    await expect(loadConfig({ TELEGRAM_BOT_MODE: 'webhooks' })).rejects.toThrow(
      /TELEGRAM_BOT_MODE/,
    );
    await expect(loadConfig({ TELEGRAM_API_ROOT: 'not a url' })).rejects.toThrow(
      /TELEGRAM_API_ROOT/,
    );
    const refused = loadConfig({ TELEGRAM_BOT_TOKEN: 'abc:short-secret' });
    await expect(refused).rejects.toThrow(/TELEGRAM_BOT_TOKEN/);
    await expect(refused).rejects.not.toThrow(/short-secret/);
  });

  it('should refuse chat keys that are not chat ids and unknown telegram keys', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-telegram-'));
    const file = path.join(directory, 'config.json');
    await writeFile(file, JSON.stringify({ telegram: { chats: { general: 'acme' } } }));
    await expect(loadConfig({ SWITCHYARD_CONFIG: file })).rejects.toThrow(/telegram\.chats/);
    await writeFile(file, JSON.stringify({ telegram: { allowedUsers: [1] } }));
    await expect(loadConfig({ SWITCHYARD_CONFIG: file })).rejects.toThrow(/allowedUsers/);
  });
});
