// `npm run serve` with the one-click endpoint turned on: its listener comes up on its own port
// beside the page's server, answers nothing but its one path, and the app reports it as on.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCaller, type WsCaller } from '../contract/ws-caller';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let api: WsCaller;
let ready: { port: number; token: string; unsubscribePort: number | null };

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'dist/main/serve.js'))) throw new Error('Run npm run build first.');
  const args = ['--port', '0', '--data-dir', tmpDir('ct-serve-'), '--unsubscribe-url', 'https://u.example.com/ct/'];
  child = spawn(process.execPath, ['dist/main/serve.js', ...args, '--unsubscribe-listen', '127.0.0.1:0'], {
    cwd: root,
    env: { ...process.env, CT_READY_JSON: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  ready = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('CT_READY ')) resolve(JSON.parse(line.slice(9)));
    });
  });
  api = await connectCaller(ready.port, ready.token);
}, 60_000);

afterAll(async () => {
  await api?.close();
  child?.kill('SIGTERM');
});

describe('serve --unsubscribe-url --unsubscribe-listen', () => {
  it('runs the one-click listener on its own port, and says so', async () => {
    expect(ready.unsubscribePort).toBeGreaterThan(0);
    expect(ready.unsubscribePort).not.toBe(ready.port);
    const info = await api.call('app.info', {});
    expect(info).toMatchObject({
      ok: true,
      value: { oneClick: { status: 'on', baseUrl: 'https://u.example.com/ct' } },
    });
    const at = (p: string) => fetch(`http://127.0.0.1:${ready.unsubscribePort}${p}`, { redirect: 'manual' });
    // The page's files and API are not reachable there; a token nobody signed is not found.
    for (const p of ['/', '/index.html', '/ws', '/ct/u/1-00000000000000000000']) expect((await at(p)).status).toBe(404);
    // And the page's server does not answer the one-click path.
    const page = await fetch(`http://127.0.0.1:${ready.port}/u/1-00000000000000000000`, { method: 'POST' });
    expect(page.status).toBe(405);
  });
});
