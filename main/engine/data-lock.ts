// One engine per data folder. Two engines on one database would each count only their own sends
// against the caps, and each would turn the other's sends in flight into `uncertain` at start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from './errors';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files';

export const LOCK_FILE = 'campaign-tray.lock';

interface LockInfo {
  pid: number;
  host: string;
  at: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock or explains who holds it. Returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  makePrivateDir(dataDir);
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), at: Date.now() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: PRIVATE_FILE_MODE });
      return () => {
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (held.pid === mine.pid && held.at === mine.at) fs.rmSync(file, { force: true });
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let held: LockInfo | null = null;
    try {
      held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      // Half-written or unreadable: treat as stale.
    }
    if (held && held.host === mine.host && alive(held.pid)) {
      throw new AppError(
        'conflict',
        `Campaign Tray is already running with this data folder (process ${held.pid}). ` +
          `Close it first, or start this one with another data folder. If no copy is running, delete ${file}.`,
      );
    }
    if (held && held.host !== mine.host) {
      throw new AppError(
        'conflict',
        `This data folder is in use by Campaign Tray on ${held.host}. Close it there first; if it crashed, delete ${file}.`,
      );
    }
    // Left behind by a process that is gone (a crash): take it over, unless another starter
    // replaced it meanwhile (then the next round sees that one).
    const seen = held ? JSON.stringify(held) : null;
    let now: string | null = null;
    try {
      now = JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch {}
    if (now === seen) fs.rmSync(file, { force: true });
  }
  throw new AppError('conflict', `Could not lock the data folder ${dataDir}. Try again.`);
}
