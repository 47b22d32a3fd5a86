// The contract over the Electron IPC binding, with a recording stand-in for ipcMain. Inputs are
// structured-cloned on the way in, as Electron does between processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../main/engine/engine';
import { silentLogger } from '../../main/engine/log';
import { createDispatcher } from '../../main/rpc/dispatch';
import { bindIpc, type IpcEventLike, type IpcMainLike, isTrustedFrameUrl } from '../../main/shell/ipc-binding';
import { REQUEST_NAMES } from '../../shared/channels';
import type { Result } from '../../shared/result';
import { MemorySecrets } from '../helpers/memory-secrets';
import { tmpDir } from '../helpers/tmp';
import { contractSuite } from './suite';

const INDEX_URL = 'app://campaign-tray/index.html';

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, event: IpcEventLike, input: unknown): Promise<Result<unknown>> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return (await h(event, structuredClone(input))) as Result<unknown>;
  }
}

const trustedEvent: IpcEventLike = { senderFrame: { url: `${INDEX_URL}#/campaigns` } };

let engine: Engine;
const ipc = new FakeIpcMain();
let unbind: () => void;

beforeAll(async () => {
  engine = await createEngine({
    dataDir: tmpDir('ct-ipc-'),
    host: 'electron',
    secrets: new MemorySecrets(),
    log: silentLogger,
    openExternal: () => {},
  });
  await engine.start();
  unbind = bindIpc(ipc, createDispatcher(engine.handlers, silentLogger), (e) =>
    isTrustedFrameUrl(e.senderFrame?.url, [], INDEX_URL),
  );
});

afterAll(async () => {
  unbind?.();
  await engine?.stop();
});

describe('contract over IPC', () => {
  contractSuite(() => (name, input) => ipc.invoke(name, trustedEvent, input), { unknownNames: false });

  it('registers exactly one channel per request name, and unbinds them all', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual([...REQUEST_NAMES].sort());
    const other = new FakeIpcMain();
    const off = bindIpc(other, createDispatcher(engine.handlers, silentLogger), () => true);
    expect(other.handlers.size).toBe(REQUEST_NAMES.length);
    off();
    expect(other.handlers.size).toBe(0);
  });
});

describe('IPC sender guard', () => {
  const untrusted: [string, IpcEventLike][] = [
    ['a null frame', { senderFrame: null }],
    ['a web page', { senderFrame: { url: 'https://evil.example/index.html' } }],
    ['another local file', { senderFrame: { url: 'file:///tmp/evil/index.html' } }],
    ['a lookalike path', { senderFrame: { url: `${INDEX_URL.replace('index.html', 'index.html.evil')}` } }],
    ['a data URL', { senderFrame: { url: 'data:text/html,<script>1</script>' } }],
    ['an empty URL', { senderFrame: { url: '' } }],
  ];

  it.each(untrusted)('refuses %s with forbidden, before looking at the input', async (_title, event) => {
    for (const name of ['app.info', 'campaigns.create', 'accounts.addSmtp'] as const) {
      const r = await ipc.invoke(name, event, name === 'campaigns.create' ? { name: 'Sneaky' } : {});
      expect(r.ok ? 'ok' : r.error.code).toBe('forbidden');
    }
    const list = await ipc.invoke('campaigns.list', trustedEvent, {});
    expect(list.ok && (list.value as { name: string }[]).some((c) => c.name === 'Sneaky')).toBe(false);
  });
});
