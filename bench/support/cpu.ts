import { readdir, readFile } from 'node:fs/promises';

// Linux reports process CPU time in clock ticks; 100 per second on every mainstream kernel
// (`getconf CLK_TCK`), and Node has no API to ask.
const ticksPerSecond = 100;

/** CPU seconds consumed so far by the machine and by the processes of interest. */
export interface CpuSnapshot {
  at: number;
  /** Busy (non-idle) CPU seconds of the whole machine, all cores. */
  machineBusy: number;
  /** User + system CPU seconds per labelled process. */
  processes: Record<string, number>;
  /** All `postgres` processes together (server and every backend, every database). */
  postgres: number;
  /** CPU seconds per backend pid serving the benchmark's own database. */
  backends: Record<number, number>;
}

async function processSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

async function postgresSeconds(): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    } catch {
      // the process ended between readdir and readFile
    }
  }
  return total;
}

/**
 * Reads CPU counters; `pids` labels the processes to report separately, `backends` are the
 * PostgreSQL backends of the benchmark's database (other databases on the shared server are
 * other people's work).
 */
export async function cpuSnapshot(
  pids: Record<string, number>,
  backends: readonly number[] = [],
): Promise<CpuSnapshot> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const processes: Record<string, number> = {};
  for (const [label, pid] of Object.entries(pids)) processes[label] = await processSeconds(pid);
  const backendSeconds: Record<number, number> = {};
  for (const pid of backends) backendSeconds[pid] = await processSeconds(pid);
  return {
    at: performance.now(),
    machineBusy: (total - idle) / ticksPerSecond,
    processes,
    postgres: await postgresSeconds(),
    backends: backendSeconds,
  };
}

/** Cores busy on average between two snapshots (1.0 = one core fully used). */
export function coresUsed(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const rate = (a: number, b: number) => Math.round(((b - a) / seconds) * 100) / 100;
  const result: Record<string, number> = {
    machine: rate(before.machineBusy, after.machineBusy),
    postgres: rate(before.postgres, after.postgres),
  };
  if (Object.keys(after.backends).length) {
    // A backend that appeared in between started at 0; one that exited in between is lost.
    let ownBackends = 0;
    for (const [pid, seconds] of Object.entries(after.backends))
      ownBackends += seconds - (before.backends[Number(pid)] ?? 0);
    result.postgresOurs = rate(0, ownBackends);
  }
  // Ours: the labelled processes and our database's backends (all of PostgreSQL when unknown).
  let ours = result.postgresOurs ?? result.postgres ?? 0;
  for (const label of Object.keys(after.processes)) {
    const used = rate(before.processes[label] ?? 0, after.processes[label] ?? 0);
    result[label] = used;
    ours += used;
  }
  // Whatever else ran on the machine meanwhile (it is shared, other databases on the same
  // server included): a high figure means contention.
  result.other = Math.max(0, Math.round(((result.machine ?? 0) - ours) * 100) / 100);
  return result;
}
