import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder per call, removed after the test file ends. */
const made: string[] = [];
export function tmpDir(prefix = 'ct-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
