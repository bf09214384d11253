import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs `src/main.ts` as `npm start` would and returns its exit code and stderr. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A process that starts instead of refusing fails the test rather than hanging it.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    });
  });
}

describe('start-up refuses bad settings with one line naming what the user set', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-startup-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function configFile(config: unknown): Promise<string> {
    const file = path.join(directory, `config-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(config));
    return file;
  }

  const base = () => ({ SWITCHYARD_DATA_DIR: directory, DATABASE_URL: 'memory://' });

  function expectOneLine(stderr: string) {
    expect(stderr).toMatch(/^switchyard: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  }

  it('should reject a database URL that is not PostgreSQL', async () => {
    const { code, stderr } = await start({ ...base(), DATABASE_URL: 'mysql://x' });
    expect(code).toBe(1);
    expectOneLine(stderr);
    expect(stderr).toContain('DATABASE_URL');
    expect(stderr).not.toContain('databaseUrl');
  }, 70_000);

  it('should name LOG_LEVEL and SWITCHYARD_WORKERS, not the config keys they set', async () => {
    const level = await start({ ...base(), LOG_LEVEL: 'loud' });
    expect(level.code).toBe(1);
    expectOneLine(level.stderr);
    expect(level.stderr).toContain('LOG_LEVEL');
    expect(level.stderr).not.toContain('logLevel');
    const workers = await start({ ...base(), SWITCHYARD_WORKERS: 'maybe' });
    expect(workers.code).toBe(1);
    expectOneLine(workers.stderr);
    expect(workers.stderr).toContain('SWITCHYARD_WORKERS');
  }, 70_000);

  it('should reject duplicate provider ids', async () => {
    const file = await configFile({
      providers: [
        { id: 'sim', type: 'simulator' },
        { id: 'sim', type: 'simulator' },
      ],
    });
    const { code, stderr } = await start({ ...base(), SWITCHYARD_CONFIG: file });
    expect(code).toBe(1);
    expectOneLine(stderr);
    expect(stderr).toContain("providers[1].id: duplicate provider id 'sim'");
  }, 70_000);

  it('should reject unknown provider ids in PRIMARY_IMAGE_PROVIDER, routing.weights and routing.chain', async () => {
    const primary = await start({ ...base(), PRIMARY_IMAGE_PROVIDER: 'runwar' });
    expect(primary.code).toBe(1);
    expectOneLine(primary.stderr);
    expect(primary.stderr).toContain("PRIMARY_IMAGE_PROVIDER: unknown provider id 'runwar'");
    const file = await configFile({
      routing: { weights: { simulator: 1, fall: 2 }, chain: ['simulator', 'replicat'] },
    });
    const routing = await start({ ...base(), SWITCHYARD_CONFIG: file });
    expect(routing.code).toBe(1);
    expectOneLine(routing.stderr);
    expect(routing.stderr).toContain("routing.weights: unknown provider id 'fall'");
    expect(routing.stderr).toContain("routing.chain: unknown provider id 'replicat'");
  }, 70_000);
});
