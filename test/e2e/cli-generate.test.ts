import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderPng } from '../../src/providers/simulator/render-png.js';
import { JobBody, JobListBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'cli-generate-admin-key';
const auth = { authorization: `Bearer ${adminKey}` };
const pngMagic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const GenerateOutput = z.object({
  job: JobBody,
  files: z.array(
    z.object({ path: z.string(), asset_id: z.string(), mime_type: z.string(), bytes: z.number() }),
  ),
});

function runCli(url: string, args: string[], env: Record<string, string> = {}) {
  return runCommand(
    process.execPath,
    [path.resolve(import.meta.dirname, '../../bin/switchyard.js'), '--url', url, ...args],
    env,
  );
}

let workDir: string;

/** util-linux `script` gives the CLI a pseudo-terminal, as a person's shell would. */
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function runInTerminal(url: string, args: string[]) {
  const command = [process.execPath, path.resolve(import.meta.dirname, '../../bin/switchyard.js')]
    .concat(['--url', url, ...args])
    .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
    .join(' ');
  return runCommand('script', ['-qec', command, '/dev/null']);
}

function runCommand(file: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: workDir,
        env: {
          ...process.env,
          SWITCHYARD_ADMIN_KEY: adminKey,
          SWITCHYARD_API_KEY: '',
          SWITCHYARD_CLI_SOURCE: '1',
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('switchyard generate, jobs, models and estimate', { timeout: 120_000 }, () => {
  let test: TestGateway;
  let inputImage: string;
  const cli = (args: string[], env?: Record<string, string>) => runCli(test.url, args, env);

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-cli-generate-'));
    inputImage = path.join(workDir, 'input.png');
    await writeFile(
      inputImage,
      await renderPng({ prompt: 'still', seed: 7, width: 64, height: 64 }),
    );
    test = await startTestGateway('pglite', {
      adminKey,
      providers: [
        { id: 'simulator', type: 'simulator', latencyMs: { p50: 300, p95: 600 } },
        {
          id: 'sim-slow',
          type: 'simulator',
          latencyMs: { p50: 120_000, p95: 120_000 },
          models: ['slow-image'],
        },
        {
          id: 'sim-steady',
          type: 'simulator',
          latencyMs: { p50: 2500, p95: 2600 },
          models: ['steady-image'],
        },
        {
          id: 'sim-broken',
          type: 'simulator',
          failureRate: 1,
          failureKinds: ['server_error'],
          models: ['broken-image'],
        },
      ],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('should generate an image into a directory and print its path', async () => {
    const out = path.join(workDir, 'images');
    const result = await cli([
      'generate',
      '--model',
      'sim-image',
      '--prompt',
      'a red balloon',
      '--size',
      '128x96',
      '--out',
      `${out}/`,
    ]);
    expect(result.stderr).toMatch(/^gen_\S+ (queued|submitted|running)( \d+%)? \d+\.\ds$/m);
    expect(result.stderr).toMatch(/^gen_\S+ succeeded \d+\.\ds$/m);
    expect(result.code).toBe(0);
    const printed = result.stdout.trim();
    expect(path.dirname(printed)).toBe(out);
    expect(printed).toMatch(/gen_\S+\.png$/);
    expect((await readFile(printed)).subarray(0, 8)).toEqual(pngMagic);
    expect(await readdir(out)).toEqual([path.basename(printed)]);
  });

  it.skipIf(!hasScript)('should draw one updating progress line on a terminal', async () => {
    const out = path.join(workDir, 'terminal');
    const result = await runInTerminal(test.url, [
      'generate',
      '--model',
      'steady-image',
      '--prompt',
      'a slow sunrise',
      '--out',
      `${out}/`,
    ]);
    expect(result.code).toBe(0);
    const id = /\r(gen_\S+) /.exec(result.stdout)?.[1];
    expect(id).toBeDefined();
    const [progress, printed] = result.stdout.split('\x1b[K\r\n');
    expect(progress).toMatch(new RegExp(`^\\r${id} (queued|submitted) `));
    expect(progress).not.toContain('\n');
    expect(progress).toMatch(/\r\S+ running \[[#-]{20}\] \d+% \d+\.\ds\x1b\[K\r/);
    expect(progress).toMatch(new RegExp(`\\r${id} succeeded \\d+\\.\\ds$`));
    expect(printed).toBe(`${path.join(out, `${id}.png`)}\r\n`);
  });

  it('should generate a video from a local input image to a named file', async () => {
    const out = path.join(workDir, 'clips', 'waves.mp4');
    const result = await cli([
      '--json',
      'generate',
      '--model',
      'sim-video',
      '--prompt',
      'waves',
      '--duration',
      '1.5',
      '--resolution',
      '480p',
      '--image',
      inputImage,
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    const { job, files } = GenerateOutput.parse(JSON.parse(result.stdout));
    expect(job).toMatchObject({ status: 'succeeded', kind: 'video', task: 'image-to-video' });
    expect(job.request.input_images).toEqual([expect.stringMatching(/^asset_/)]);
    expect(job.request).toMatchObject({ duration: 1.5, resolution: '480p' });
    expect(files).toEqual([
      {
        path: out,
        asset_id: job.outputs[0]!.asset_id,
        mime_type: 'video/mp4',
        bytes: job.outputs[0]!.bytes,
      },
    ]);
    const bytes = await readFile(out);
    expect(bytes.length).toBe(job.outputs[0]!.bytes);
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('should default --out to the current directory and print --json with job and files', async () => {
    const result = await cli(['--json', 'generate', '--model', 'sim-image', '--prompt', 'a fox']);
    expect(result.code).toBe(0);
    const { job, files } = GenerateOutput.parse(JSON.parse(result.stdout));
    expect(files.map((file) => file.path)).toEqual([path.join(workDir, `${job.id}.png`)]);
    expect((await readFile(files[0]!.path)).subarray(0, 8)).toEqual(pngMagic);
  });

  it('should exit 1 with the code and message of a failed job', async () => {
    const result = await cli(['generate', '--model', 'broken-image', '--prompt', 'nothing']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const jobs = JobListBody.parse(
      JSON.parse((await cli(['--json', 'jobs', 'list', '--status', 'failed'])).stdout),
    );
    const failed = jobs.data[0]!;
    expect(failed.model).toBe('broken-image');
    expect(failed.error).not.toBeNull();
    expect(result.stderr).toContain(
      `switchyard: ${failed.error!.code}: ${failed.error!.message}\n`,
    );
    expect(result.stderr).toMatch(/^gen_\S+ failed \d+\.\ds$/m);
  });

  it('should refuse an unknown model with the gateway error', async () => {
    const result = await cli(['generate', '--model', 'no-such-model', '--prompt', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^switchyard: .*\(unknown_model\)\n$/);
  });

  it('should prefer SWITCHYARD_API_KEY over the admin key', async () => {
    const result = await cli(['models'], { SWITCHYARD_API_KEY: 'sk_not_a_key' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^switchyard: .*\(\w+\)\n$/);
  });

  it('should list, get, cancel and watch jobs', async () => {
    const created = await postJson(
      `${test.url}/v1/generations`,
      { model: 'slow-image', prompt: 'patience' },
      auth,
    );
    const { id } = JobBody.parse(created.body);

    const list = await cli(['jobs', 'list', '--limit', '2']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^id\s+status\s+model\s+provider/);
    expect(list.stdout).toContain(id);

    const got = await cli(['jobs', 'get', id]);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(got.stdout).toMatch(/^model\s+slow-image \(image, text-to-image\)$/m);

    const canceled = await cli(['--json', 'jobs', 'cancel', id]);
    expect(canceled.code).toBe(0);
    expect(JobBody.parse(JSON.parse(canceled.stdout)).status).toBe('canceled');

    const watched = await cli(['jobs', 'watch', id]);
    expect(watched.code).toBe(1);
    expect(watched.stderr).toMatch(/^switchyard: [a-z_]+: .+\n$/m);
    expect(watched.stdout).toMatch(/^status\s+canceled/m);
  });

  it('should list the models with their providers', async () => {
    const table = await cli(['models']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^sim-video\s+video\s+.*simulator$/m);
    const json = z
      .object({ data: z.array(z.object({ id: z.string() })) })
      .parse(JSON.parse((await cli(['--json', 'models'])).stdout));
    expect(json.data.map((model) => model.id)).toContain('broken-image');
  });

  it('should estimate a request on each capable provider', async () => {
    const table = await cli([
      'estimate',
      '--model',
      'sim-video',
      '--prompt',
      'waves',
      '--duration',
      '8',
      '--image',
      inputImage,
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^simulator\s+simulator\/sim-video\s+0\.08$/m);
    const json = await cli(['--json', 'estimate', '--model', 'sim-image', '--prompt', 'x']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      model: 'sim-image',
      currency: 'USD',
      providers: [{ provider: 'simulator', estimated_usd: 0.002 }],
    });
  });

  it('should show an example in the help of every new command', async () => {
    for (const command of [
      ['generate'],
      ['jobs', 'list'],
      ['jobs', 'get'],
      ['jobs', 'cancel'],
      ['jobs', 'watch'],
      ['models'],
      ['estimate'],
    ]) {
      const help = await cli([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples?:\n {2}switchyard /);
    }
  });
});
