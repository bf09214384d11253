import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/gateway-process.js';

const cli = path.resolve(import.meta.dirname, '../../bin/switchyard.js');

/** Runs the CLI as a user would and returns its exit code and stderr. */
function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, SWITCHYARD_CLI_SOURCE: '1' }, timeout: 60_000 },
      (error, _stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
      },
    );
  });
}

function expectOneMessage(result: { code: number; stderr: string }, text: RegExp) {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^switchyard: /);
  expect(result.stderr).toMatch(text);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('the CLI on bad local input', () => {
  let directory: string;
  let closedUrl: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-cli-bad-'));
    // A loopback port nobody listens on.
    closedUrl = `http://127.0.0.1:${await freePort()}`;
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('should name a missing --image file', async () => {
    const missing = path.join(directory, 'missing.png');
    const result = await run([
      '--url',
      closedUrl,
      'generate',
      '--model',
      'sim-image',
      '--prompt',
      'x',
      '--image',
      missing,
    ]);
    expectOneMessage(result, /cannot read --image .*missing\.png/);
  }, 70_000);

  it('should refuse a weights argument that is not JSON', async () => {
    const result = await run(['--url', closedUrl, 'weights', 'set', '{"fal":']);
    expectOneMessage(result, /weights must be JSON/);
  }, 70_000);

  it('should report an unknown flag as a usage error', async () => {
    const result = await run(['--url', closedUrl, 'health', '--bogus-flag']);
    expectOneMessage(result, /unknown option '--bogus-flag'/);
  }, 70_000);

  it('should say the gateway is unreachable, or the URL malformed', async () => {
    expectOneMessage(await run(['--url', closedUrl, 'health']), /Cannot reach the gateway/);
    expectOneMessage(await run(['--url', 'not a url', 'models']), /Cannot reach the gateway/);
    const image = path.join(directory, 'in.png');
    await writeFile(image, 'not really a png');
    expectOneMessage(
      await run([
        '--url',
        closedUrl,
        'generate',
        '--model',
        'sim-image',
        '--prompt',
        'x',
        '--image',
        image,
      ]),
      /^switchyard: /,
    );
  }, 120_000);
});
