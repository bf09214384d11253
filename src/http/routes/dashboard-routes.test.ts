import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from './dashboard-routes.js';

describe('dashboardRoutes', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'switchyard-dashboard-'));
    await mkdir(path.join(root, 'built', 'assets'), { recursive: true });
    await writeFile(path.join(root, 'built', 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(root, 'built', 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(root, 'secret.txt'), 'outside');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function appFor(dir: string) {
    const app = Fastify();
    await app.register(dashboardRoutes(dir));
    return app;
  }

  it('should answer 503 dashboard_not_built when there is no build', async () => {
    const app = await appFor(path.join(root, 'missing'));
    const response = await app.inject('/dashboard/');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: { code: 'dashboard_not_built' } });
  });

  it('should serve index.html for app paths and never a file outside the build', async () => {
    const app = await appFor(path.join(root, 'built'));
    for (const url of ['/dashboard/', '/dashboard/rollouts/r_1', '/dashboard/..%2fsecret.txt']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toContain('<title>app</title>');
      expect(response.headers['cache-control'], url).toBe('no-cache');
      expect(response.headers['content-security-policy'], url).toContain("script-src 'self'");
    }
    const asset = await app.inject('/dashboard/assets/index-abc123.js');
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const redirect = await app.inject('/dashboard');
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('/dashboard/');
  });
});
