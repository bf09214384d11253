import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One function's share of a CPU profile's samples, by self time. */
export interface SelfTime {
  /** `name file:line`, with node_modules and dist prefixes trimmed. */
  frame: string;
  /** Share of all samples, idle included, in percent. */
  percent: number;
  /** Share of the busy samples (idle and program excluded), in percent. */
  busyPercent: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/**
 * The functions with the most self time in a V8 `.cpuprofile` (`node --cpu-prof`): where the
 * process spends its CPU, without the callers. Native calls (`writev`, `open`, …) show as their
 * own frames, which is what tells "many small I/O calls" from "much JavaScript".
 */
export async function topSelfTime(file: string, count = 15): Promise<SelfTime[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const frames = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/');
    frames.set(
      node.id,
      `${functionName || '(anonymous)'}${where ? ` ${where}:${lineNumber}` : ''}`,
    );
  }
  const self = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = frames.get(id) ?? '?';
    self.set(frame, (self.get(frame) ?? 0) + delta);
    total += delta;
    if (frame === '(idle)' || frame === '(program)') idle += delta;
  });
  const busy = total - idle;
  return [...self]
    .filter(([frame]) => frame !== '(idle)' && frame !== '(program)')
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([frame, time]) => ({
      frame,
      percent: Math.round((1000 * time) / total) / 10,
      busyPercent: Math.round((1000 * time) / busy) / 10,
    }));
}

/** The profile named `name` in a directory, else the newest `.cpuprofile` there when no name is given. */
export async function newestProfile(directory: string, name?: string): Promise<string | undefined> {
  const files = (await readdir(directory))
    .filter((file) => (name ? file === `${name}.cpuprofile` : file.endsWith('.cpuprofile')))
    .sort();
  const last = files[files.length - 1];
  return last ? path.join(directory, last) : undefined;
}
