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
  /** All `postgres` processes together (server and every backend). */
  postgres: number;
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

/** Reads CPU counters; `pids` labels the processes to report separately. */
export async function cpuSnapshot(pids: Record<string, number>): Promise<CpuSnapshot> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const processes: Record<string, number> = {};
  for (const [label, pid] of Object.entries(pids)) processes[label] = await processSeconds(pid);
  return {
    at: performance.now(),
    machineBusy: (total - idle) / ticksPerSecond,
    processes,
    postgres: await postgresSeconds(),
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
  for (const label of Object.keys(after.processes))
    result[label] = rate(before.processes[label] ?? 0, after.processes[label] ?? 0);
  return result;
}
