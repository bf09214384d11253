import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findClimbingImports,
  findFolderCycles,
  readImportEdges,
  type ImportEdge,
} from './import-graph.js';

/**
 * The layer diagram, bottom first: a folder may import only folders listed before it. Keep
 * docs/architecture.md in step with this list.
 */
export const layerOrder = [
  'core',
  'config',
  'security',
  'store',
  'observability',
  'tenancy',
  'catalog',
  'assets',
  'api',
  'providers',
  'routing',
  'relay',
  'analytics',
  'jobs',
  'rollout',
  'bot',
  'http',
  'compose',
  'cli',
  'main',
] as const;

const sourceRoot = path.resolve(import.meta.dirname, '../../src');

describe('the layer diagram', () => {
  const edges = readImportEdges(sourceRoot);

  it('should read the imports of the source tree', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({
      from: path.join('compose', 'create-gateway.ts'),
      to: path.join('http', 'build-app.ts'),
    });
  });

  it('should have no import from a lower layer to a higher one', () => {
    expect(findClimbingImports(edges, layerOrder)).toEqual([]);
  });

  it('should have no cycle between folders at any depth', () => {
    expect(findFolderCycles(edges)).toEqual([]);
  });
});

describe('the layer check itself', () => {
  const climbing: ImportEdge[] = [
    { from: 'core/job.ts', to: 'jobs/job-service.ts' },
    { from: 'jobs/job-service.ts', to: 'core/job.ts' },
  ];

  it('should report an import that climbs', () => {
    expect(findClimbingImports(climbing, ['core', 'jobs'])).toEqual([
      'core/job.ts imports jobs/job-service.ts (core → jobs)',
    ]);
  });

  it('should report a folder that is not in the diagram', () => {
    expect(findClimbingImports([{ from: 'extra/a.ts', to: 'core/b.ts' }], ['core'])).toEqual([
      "extra/a.ts: layer 'extra' is not declared",
    ]);
  });

  it('should report a cycle between nested folders', () => {
    const cycles = findFolderCycles([
      { from: 'routing/router.ts', to: 'routing/control-plane/control-plane.ts' },
      { from: 'routing/control-plane/control-plane.ts', to: 'routing/strategies/weighted.ts' },
      { from: 'routing/strategies/weighted.ts', to: 'routing/router.ts' },
      { from: 'routing/router.ts', to: 'core/job.ts' },
    ]);
    expect(cycles).toEqual([['routing', 'routing/control-plane', 'routing/strategies']]);
  });
});
