// One engine per data folder: a second one is refused with a clear sentence, a lock left by a
// crashed process is taken over.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from '../../main/engine/data-lock';
import { startEngine } from '../helpers/engine-harness';
import { tmpDir } from '../helpers/tmp';

describe('data folder lock', () => {
  it('refuses a second engine on the same folder until the first stops', async () => {
    const dataDir = tmpDir();
    const first = await startEngine({ dataDir });
    await expect(startEngine({ dataDir })).rejects.toThrow(/already running with this data folder/);
    await first.close();
    const second = await startEngine({ dataDir });
    await second.close();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const dataDir = tmpDir();
    // A real process id that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(gone.stdout.trim());
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid, host: os.hostname(), at: 1 }));
    const release = lockDataDir(dataDir);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('does not take a lock held by another machine (a shared folder) and says what to do', () => {
    const dataDir = tmpDir();
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'other-laptop', at: 1 }));
    expect(() => lockDataDir(dataDir)).toThrow(/in use by Campaign Tray on other-laptop/);
  });
});
