// One handler file per contract namespace: every request `ns.name` is answered in
// main/engine/api/<ns>-api.ts and nowhere else, so a reader finds a request's code by its name.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '../../shared/channels';

const root = path.resolve(import.meta.dirname, '../..');
const apiDir = path.join(root, 'main/engine/api');

/** The request names a source file defines handlers for (`'ns.name': …` keys). */
const handlerKeys = (source: string) =>
  [...source.matchAll(/^\s+'([a-z]+\.[A-Za-z]+)':/gm)]
    .map((m) => m[1]!)
    .filter((k) => REQUEST_NAMES.includes(k as never));

describe('handler files', () => {
  const files = fs.readdirSync(apiDir).filter((f) => f.endsWith('-api.ts'));
  const defined = new Map<string, string[]>();
  for (const f of files) {
    for (const key of handlerKeys(fs.readFileSync(path.join(apiDir, f), 'utf8'))) {
      defined.set(key, [...(defined.get(key) ?? []), f]);
    }
  }

  it.each(files)('%s answers only its own namespace', (file) => {
    const ns = file.replace(/-api\.ts$/, '');
    const keys = handlerKeys(fs.readFileSync(path.join(apiDir, file), 'utf8'));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.split('.')[0] !== ns)).toEqual([]);
  });

  it('answers every request in exactly one file, and none in the composition root', () => {
    expect(REQUEST_NAMES.filter((n) => defined.get(n)?.length !== 1)).toEqual([]);
    const engine = fs.readFileSync(path.join(root, 'main/engine/engine.ts'), 'utf8');
    expect(handlerKeys(engine)).toEqual([]);
  });

  it('reads handler keys the way the files write them', () => {
    expect(handlerKeys("  return {\n    'app.info': async () => x,\n    'not.aRequest': 1,\n  };")).toEqual([
      'app.info',
    ]);
  });
});
