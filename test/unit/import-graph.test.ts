// No module under main/ may reach itself through its imports, and the engine's folders form
// layers: a folder that imports another is never imported back by it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, folderGraph, type Graph, importGraph } from '../helpers/import-graph';

const root = path.resolve(import.meta.dirname, '../..');
const graph = importGraph(root, 'main');

/** main/engine/<folder>/…; the engine's own top-level files (the composition root, context, errors) stand apart. */
const engineFolder = (file: string) =>
  file
    .split(path.sep)
    .slice(0, 3)
    .join('/')
    .match(/^main\/engine\/[^/.]+$/)?.[0] ?? null;
/** main/<area>/…: engine, rpc, shell, server. */
const area = (file: string) => file.split(path.sep).slice(0, 2).join('/');

describe('import graph of main/', () => {
  it('reads the real tree', () => {
    expect(graph.get(path.join('main', 'engine', 'engine.ts'))).toContain(
      path.join('main', 'engine', 'store', 'index.ts'),
    );
    expect(graph.size).toBeGreaterThan(50);
  });

  it('has no import cycle between modules', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no cycle between the folders of main/engine', () => {
    expect(cycles(folderGraph(graph, engineFolder))).toEqual([]);
  });

  it('points from rpc, shell and server into the engine, never back', () => {
    const areas = folderGraph(graph, area);
    expect(areas.get('main/engine') ?? []).toEqual([]);
    expect(areas.get('main/rpc')).toEqual(['main/engine']);
    expect(cycles(areas)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const g: Graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cycles(g)).toEqual(expect.arrayContaining([['a', 'b', 'c'], ['d']]));
    expect(cycles(g)).toHaveLength(2);
    expect(cycles(folderGraph(g, (f) => (f === 'e' ? 'x' : 'y')))).toEqual([]);
  });
});
