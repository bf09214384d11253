import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { JobBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const forged = { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' };

describe('proxy headers', () => {
  let test: TestGateway | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  async function outputUrl(): Promise<string> {
    const { status, body } = await postJson(
      `${test!.url}/v1/generations?wait=20`,
      { model: 'sim-image', prompt: 'a lantern', width: 64, height: 64 },
      forged,
    );
    expect(status).toBe(200);
    return JobBody.parse(body).outputs[0]!.url;
  }

  it('should ignore X-Forwarded-Host for asset links unless a proxy is trusted', async () => {
    test = await startTestGateway('pglite');
    const url = await outputUrl();
    expect(url.startsWith(`${test.url}/v1/assets/`)).toBe(true);
  });

  it('should follow X-Forwarded-Host when trustProxy is on', async () => {
    test = await startTestGateway('pglite', { trustProxy: true });
    expect(await outputUrl()).toMatch(/^https:\/\/attacker\.example\/v1\/assets\//);
  });

  it('should read SWITCHYARD_TRUST_PROXY as a switch or a list of proxy addresses', async () => {
    expect((await loadConfig({})).trustProxy).toBe(false);
    expect((await loadConfig({ SWITCHYARD_TRUST_PROXY: 'true' })).trustProxy).toBe(true);
    expect((await loadConfig({ SWITCHYARD_TRUST_PROXY: '0' })).trustProxy).toBe(false);
    expect((await loadConfig({ SWITCHYARD_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' })).trustProxy).toBe(
      '10.0.0.0/8,127.0.0.1',
    );
  });
});
