import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

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
if (process.env.VITEST) afterAll(cleanUp);
else process.on('exit', cleanUp);
