// The lint config enforces the import boundaries: each row is a file that breaks one rule (or a
// file that is allowed), linted for real by Biome with the project's own biome.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '../..');
const biome = path.join(root, 'node_modules/.bin/biome');

function lint(file: string, source: string): { ok: boolean; output: string } {
  const dir = tmpDir('ct-lint-');
  const config = JSON.parse(fs.readFileSync(path.join(root, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  fs.writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), source);
  const r = spawnSync(biome, ['lint', '--max-diagnostics=50', file], { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('import boundaries', () => {
  it.each([
    [
      'renderer/src/bad.ts',
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
      /never import Electron/,
    ],
    ['renderer/src/bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n", /no Node built-ins/],
    [
      'renderer/src/bad.ts',
      "import { createEngine } from '../../main/engine/engine';\nexport const x = createEngine;\n",
      /never import main/,
    ],
    ['shared/bad.ts', "import path from 'node:path';\nexport const x = path;\n", /no Node built-ins/],
    [
      'shared/bad.ts',
      "import { Sender } from '../main/engine/sender/sender';\nexport const x = Sender;\n",
      /never import main/,
    ],
    ['main/engine/bad.ts', "import { app } from 'electron';\nexport const x = app;\n", /plain Node: no Electron/],
    ['main/server/bad.ts', "import { shell } from 'electron';\nexport const x = shell;\n", /plain Node: no Electron/],
    [
      'main/engine/bad.ts',
      "import { WebSocketServer } from 'ws';\nexport const x = WebSocketServer;\n",
      /Only main\/server\/ws-binding.ts/,
    ],
    [
      'main/shell/window.ts',
      "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n",
      /Only the IPC binding and the preload/,
    ],
    [
      'renderer/src/screens/bad.ts',
      "export const open = () => new WebSocket('ws://x');\n",
      /Only renderer\/src\/client\/ws-client.ts/,
    ],
    [
      'main/engine/api/bad.ts',
      "import { createDispatcher } from '../../rpc/dispatch';\nexport const x = createDispatcher;\n",
      /The engine sits below main\/rpc/,
    ],
    [
      'main/engine/bad.ts',
      "import type { Dispatch } from '../rpc';\nexport type X = Dispatch;\n",
      /The engine sits below main\/rpc/,
    ],
    [
      'main/engine/sender/bad.ts',
      "import { createTray } from '../../shell/tray';\nexport const x = createTray;\n",
      /The engine sits below main\/rpc, main\/shell and main\/server/,
    ],
    [
      'main/engine/bad.ts',
      "import { startHttpServer } from '../server/http-server';\nexport const x = startHttpServer;\n",
      /The engine sits below main\/rpc, main\/shell and main\/server/,
    ],
    [
      'main/rpc/bad.ts',
      "import { bindIpc } from '../shell/ipc-binding';\nexport const x = bindIpc;\n",
      /main\/rpc sits below the shell and the server/,
    ],
    [
      'main/shell/tray.ts',
      "import type { Store } from '../engine/store';\nexport type X = Store;\n",
      /never through main\/engine\/store/,
    ],
    [
      'main/shell/ipc-binding.ts',
      "import { openStore } from '../engine/store/db';\nexport const x = openStore;\n",
      /never through main\/engine\/store/,
    ],
    [
      'main/server/bad.ts',
      "import type { Store } from '../engine/store';\nexport type X = Store;\n",
      /never through main\/engine\/store/,
    ],
    [
      'main/server/ws-binding.ts',
      "import { openStore } from '../engine/store/db';\nexport const x = openStore;\n",
      /never through main\/engine\/store/,
    ],
  ])('%s: %s is refused', (file, source, message) => {
    const r = lint(file, source);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(message);
  });

  it.each([
    ['main/shell/ipc-binding.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n"],
    ['main/shell/preload.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
    ['main/shell/window.ts', "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n"],
    ['main/server/ws-binding.ts', "import { WebSocketServer } from 'ws';\nexport const x = WebSocketServer;\n"],
    ['renderer/src/client/ws-client.ts', "export const open = () => new WebSocket('ws://x');\n"],
    ['main/engine/ok.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['main/engine/sender/ok.ts', "import { EventHub } from '../events/hub';\nexport const x = EventHub;\n"],
    ['main/rpc/ok.ts', "import { AppError } from '../engine/errors';\nexport const x = AppError;\n"],
    ['main/server/ok.ts', "import { createEngine } from '../engine/engine';\nexport const x = createEngine;\n"],
    ['main/shell/ok.ts', "import { createDispatcher } from '../rpc/dispatch';\nexport const x = createDispatcher;\n"],
    ['main/shell/ok.ts', "import type { Clock } from '../engine/clock';\nexport type X = Clock;\n"],
    ['renderer/src/ok.ts', "import { REQUEST_NAMES } from '../../shared/channels';\nexport const x = REQUEST_NAMES;\n"],
  ])('%s is allowed', (file, source) => {
    const r = lint(file, source);
    expect(r.output).not.toMatch(/noRestricted/);
    expect(r.ok, r.output).toBe(true);
  });
});
