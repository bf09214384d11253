import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One relative import between two source files (paths relative to the source root). */
export interface ImportEdge {
  from: string;
  to: string;
}

const importPattern =
  /(?:^|\s)(?:import|export)\s[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Every relative import of every non-test `.ts` file under `root`. */
export function readImportEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(full, 'utf8');
        for (const match of text.matchAll(importPattern)) {
          const specifier = match[1] ?? match[2] ?? match[3];
          if (!specifier) continue;
          const target = path.resolve(path.dirname(full), specifier).replace(/\.js$/, '.ts');
          edges.push({ from: path.relative(root, full), to: path.relative(root, target) });
        }
      }
    }
  };
  walk(root);
  return edges;
}

/** The layer of a file: its top-level folder, or the file's own name for top-level files. */
export function layerOf(file: string): string {
  const [first = ''] = file.split(path.sep);
  return first.replace(/\.ts$/, '');
}

/** Imports that climb: from a layer to one declared above it (or to an undeclared layer). */
export function findClimbingImports(
  edges: readonly ImportEdge[],
  order: readonly string[],
): string[] {
  const rank = new Map(order.map((layer, index) => [layer, index]));
  const problems: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    if (from === to) continue;
    const fromRank = rank.get(from);
    const toRank = rank.get(to);
    if (fromRank === undefined) problems.push(`${edge.from}: layer '${from}' is not declared`);
    else if (toRank === undefined) problems.push(`${edge.to}: layer '${to}' is not declared`);
    else if (toRank > fromRank) problems.push(`${edge.from} imports ${edge.to} (${from} → ${to})`);
  }
  return [...new Set(problems)];
}

/**
 * Cycles between folders, at every depth: a folder's files importing another folder whose files
 * (directly or through others) import the first. Parent and child folders count as different.
 */
export function findFolderCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    const from = path.dirname(edge.from);
    const to = path.dirname(edge.to);
    if (from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)?.add(to);
  }
  // Tarjan's strongly connected components; every component of two or more folders is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
