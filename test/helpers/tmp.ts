import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder per call, removed when the test file ends. */
const made: string[] = [];
export function tmpDir(prefix = 'ct-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
const cleanUp = () => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
};
// Vitest's forks do not reach process 'exit'; benchmarks (plain Node) do.
// Importing vitest outside its runner throws, hence the dynamic import.
if (process.env.VITEST) (await import('vitest')).afterAll(cleanUp);
else process.on('exit', cleanUp);
