// The import graph of a source tree, read with TypeScript's own pre-processor (static, type-only
// and dynamic imports alike: a type-only cycle is still two modules that cannot be read apart).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every module under `dir`, keyed by its path relative to `root`, with the modules under `dir` it imports. */
export function importGraph(root: string, dir: string): Graph {
  const inside = path.resolve(root, dir) + path.sep;
  const graph: Graph = new Map();
  for (const file of sourceFiles(path.resolve(root, dir))) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(file, spec))
      .filter((f): f is string => f?.startsWith(inside) === true)
      .map((f) => path.relative(root, f));
    graph.set(path.relative(root, file), [...new Set(deps)]);
  }
  return graph;
}

/** Groups of nodes that reach each other (Tarjan's strongly connected components of size > 1, or a self-import). */
export function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)?.includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The graph between folders: an edge for every import that crosses from one folder into another. */
export function folderGraph(graph: Graph, folderOf: (file: string) => string | null): Graph {
  const out = new Map<string, Set<string>>();
  for (const [file, deps] of graph) {
    const from = folderOf(file);
    if (from === null) continue;
    if (!out.has(from)) out.set(from, new Set());
    for (const dep of deps) {
      const to = folderOf(dep);
      if (to !== null && to !== from) out.get(from)!.add(to);
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}
