import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sleep } from './cli.js';

/** The repository root (child processes run from here so `tsx` and migrations resolve). */
export const repositoryRoot = path.resolve(import.meta.dirname, '../..');

/** A free loopback port (bound and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// Children are killed if the benchmark dies, so that a crashed run leaves no gateway behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A process started by a benchmark: its pid, output tail and stop. */
export interface ChildHandle {
  child: ChildProcess;
  pid: number;
  /** The last 64 KiB the process wrote (stdout and stderr interleaved). */
  output(): string;
  /** Resident set size now, from `/proc/<pid>/status` (VmRSS), in bytes. */
  rssBytes(): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a Node process from the repository root and keeps the tail of its output. */
export function startNodeChild(args: string[], env: Record<string, string>): ChildHandle {
  const child = spawn(process.execPath, args, {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    // A tail is enough to explain a failure; an unbounded buffer would grow with error storms.
    if (output.length > 65_536) output = output.slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start node ${args.join(' ')}`);
  return {
    child,
    pid,
    output: () => output,
    async rssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
      return Number(match[1]) * 1024;
    },
    async stop(graceMs = 25_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `GET url` answers 200, or fails with the child's output. */
export async function waitForOk(url: string, handle: ChildHandle, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.child.exitCode !== null)
      throw new Error(`process exited with ${handle.child.exitCode}:\n${handle.output()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.stop(1000);
      throw new Error(`${url} did not answer 200 in time:\n${handle.output()}`);
    }
    await sleep(100);
  }
}

let built = false;

/** Compiles the gateway once per benchmark process (`npm run build`). */
function ensureBuilt(): void {
  if (built) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repositoryRoot, stdio: 'inherit' });
  // The measuring preloads are compiled too: loading them through tsx would add tsx's own
  // memory to the gateway's RSS.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.bench-preloads.json'], {
    cwd: repositoryRoot,
    stdio: 'inherit',
  });
  built = true;
}

export interface GatewayChildOptions {
  /** Configuration file contents (merged with env: PORT, HOST, DATABASE_URL…). */
  config: Record<string, unknown>;
  /** PostgreSQL URL; absent means embedded PGlite in the data directory. */
  databaseUrl?: string;
  /** Data directory (assets, PGlite); a temp directory when absent, removed on stop. */
  dataDir?: string;
  /**
   * `main`: the gateway as `npm start` runs it. `api-only`: the same with `SWITCHYARD_WORKERS=false`
   * (a split API/worker deployment's API node).
   */
  entry?: 'main' | 'api-only';
  /** When set, the event-loop monitor preload writes its samples to this file. */
  loopStatsFile?: string;
  /** When set, the SQL statement counter preload writes its windows to this file. */
  queryStatsFile?: string;
  env?: Record<string, string>;
  /**
   * Another checkout whose built `dist/main.js` runs instead of this one's (an A/B against a
   * baseline commit in the same run); it must be built already.
   */
  checkout?: string;
  /** File name (without extension) of the CPU profile, when `BENCH_CPU_PROFILE_DIR` asks for one. */
  profileName?: string;
}

/** A gateway running in its own process. */
export interface GatewayChild extends ChildHandle {
  /** `http://127.0.0.1:PORT` */
  url: string;
  dataDir: string;
  /**
   * Opens (first call) or closes (second call) the measurement window of the preloads
   * (SIGUSR2). Only valid with `loopStatsFile` or `queryStatsFile`: without a handler, SIGUSR2
   * would terminate the process.
   */
  toggleWindow(): void;
}

/**
 * Starts a gateway as a child process and waits for `/readyz`. A separate process rather than
 * `createGateway` in the benchmark's process: the load generator then runs on its own event
 * loop, so its JavaScript time is not added to every gateway latency, and the gateway's RSS
 * and event-loop lag are its own.
 */
export async function startGatewayChild(options: GatewayChildOptions): Promise<GatewayChild> {
  const port = await freePort();
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-')));
  const configFile = path.join(dataDir, `bench-config-${port}.json`);
  await writeFile(configFile, JSON.stringify(options.config));
  ensureBuilt();
  // The compiled gateway, exactly what `npm start` runs; tsx only for the TypeScript preloads.
  const entry = options.checkout ? path.join(options.checkout, 'dist/main.js') : 'dist/main.js';
  const args: string[] = [];
  // Opt-in V8 CPU profile of the gateway (written when it exits), to see where its time goes:
  // BENCH_CPU_PROFILE_DIR=/tmp/profiles npx tsx bench/openai-proxy.ts
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  if (profileDir) {
    args.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
    if (options.profileName) args.push(`--cpu-prof-name=${options.profileName}.cpuprofile`);
  }
  if (options.loopStatsFile) args.push('--import', './dist/bench-preloads/loop-monitor.js');
  if (options.queryStatsFile) args.push('--import', './dist/bench-preloads/query-counter.js');
  args.push(entry);
  const handle = startNodeChild(args, {
    PORT: String(port),
    HOST: '127.0.0.1',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_CONFIG: configFile,
    LOG_LEVEL: 'warn',
    // Empty rather than absent so that a DATABASE_URL in the bench's own environment is not
    // inherited by a gateway meant to run on PGlite (the config loader treats '' as unset).
    DATABASE_URL: options.databaseUrl ?? '',
    ...(options.loopStatsFile ? { BENCH_LOOP_STATS_FILE: options.loopStatsFile } : {}),
    ...(options.queryStatsFile ? { BENCH_QUERY_STATS_FILE: options.queryStatsFile } : {}),
    ...(options.entry === 'api-only' ? { SWITCHYARD_WORKERS: 'false' } : {}),
    ...options.env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/readyz`, handle);
  const probed = Boolean(options.loopStatsFile || options.queryStatsFile);
  return {
    ...handle,
    url,
    dataDir,
    toggleWindow() {
      if (!probed) throw new Error('no preload handles SIGUSR2 in this gateway');
      handle.child.kill('SIGUSR2');
    },
    async stop(graceMs?: number) {
      await handle.stop(graceMs);
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
