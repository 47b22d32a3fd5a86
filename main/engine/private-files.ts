// The data folder holds recipient lists, the send ledger and every message sent through the local
// outbox: only the user who runs the app may read it. Folders are 0700 and files 0600 (POSIX; on
// Windows the per-user profile folder already does this job and modes are ignored).
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mkdir -p with 0700 for every folder it creates. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export async function makePrivateDirAsync(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates the data folder 0700, or tightens it when it is new or already the app's (it holds
 * `marker`). A folder the user pointed at that holds other things is left as it is.
 */
export function securePrivateDir(dir: string, marker: string): void {
  const existed = fs.existsSync(dir);
  makePrivateDir(dir);
  if (!existed || fs.existsSync(path.join(dir, marker))) chmodQuietly(dir, PRIVATE_DIR_MODE);
}

/** Makes `file` (created empty when missing) and its SQLite companions 0600 before the database opens. */
export function securePrivateFile(file: string, companions: readonly string[] = []): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const f of [file, ...companions]) if (fs.existsSync(f)) chmodQuietly(f, PRIVATE_FILE_MODE);
}

function chmodQuietly(p: string, mode: number): void {
  if (process.platform === 'win32') return;
  try {
    const st = fs.statSync(p);
    if ((st.mode & 0o777) !== mode) fs.chmodSync(p, mode);
  } catch {
    // Not ours to change (another owner): the folder still works.
  }
}
