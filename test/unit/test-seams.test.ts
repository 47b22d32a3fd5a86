// Store methods named `…ForTests` put rows into states no request reaches. They exist for tests;
// production code changes state only through reactions and lifecycle moves.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const CALL = /\.\s*(\w+ForTests)\s*\(/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const callsIn = (source: string) => [...source.matchAll(CALL)].map((m) => m[1]);

describe('test-only store methods', () => {
  it('are found when called (control)', () => {
    expect(callsIn('store.campaigns.forceStatusForTests(1, "paused", null, 0);')).toEqual(['forceStatusForTests']);
    expect(callsIn('  forceStatusForTests(id: number): void {')).toEqual([]);
  });

  it('are called from no file under main/', () => {
    const offenders = sources(path.join(root, 'main')).flatMap((f) =>
      callsIn(fs.readFileSync(f, 'utf8')).map((name) => `${path.relative(root, f)}: ${name}`),
    );
    expect(offenders).toEqual([]);
  });
});
