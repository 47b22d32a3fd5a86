// The desktop shell's file channels: the page gets an id for a file the user dropped or picked,
// never a way to name a path of its own.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRegistry } from '../../main/engine/files/registry';
import { bindFileIpc } from '../../main/shell/file-ipc';
import type { IpcEventLike, IpcMainLike } from '../../main/shell/ipc-binding';
import { FILE_CHANNELS } from '../../shared/bridge';
import { tmpDir } from '../helpers/tmp';

function fakeIpc() {
  const handlers = new Map<string, (e: IpcEventLike, ...args: unknown[]) => unknown>();
  const ipc: IpcMainLike = {
    handle: (channel, fn) => handlers.set(channel, fn),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const invoke = (channel: string, url: string, ...args: unknown[]) =>
    Promise.resolve(handlers.get(channel)!({ senderFrame: { url } }, ...args));
  return { ipc, handlers, invoke };
}

describe('file channels', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'people.csv');
  fs.writeFileSync(file, 'email\nann@example.org\n');
  const trusted = (e: IpcEventLike) => e.senderFrame?.url === 'app://campaign-tray/index.html';

  it('registers a dropped file and answers with an id a request can take once', async () => {
    const files = new FileRegistry();
    const { ipc, invoke } = fakeIpc();
    bindFileIpc(ipc, trusted, { files, pick: async () => null });
    const r = (await invoke(FILE_CHANNELS.dropped, 'app://campaign-tray/index.html', file)) as {
      ok: true;
      value: { fileId: string; name: string; size: number };
    };
    expect(r.ok).toBe(true);
    expect(r.value).toMatchObject({ name: 'people.csv', size: 22 });
    expect(files.take(r.value.fileId)).toMatchObject({ path: file, owned: false });
    expect(() => files.take(r.value.fileId)).toThrow(/no longer available/);
  });

  it('refuses what is not a dropped file: no path, a relative path, a folder, another frame', async () => {
    const files = new FileRegistry();
    const { ipc, invoke } = fakeIpc();
    bindFileIpc(ipc, trusted, { files, pick: async () => null });
    const page = 'app://campaign-tray/index.html';
    for (const arg of ['', 'etc/passwd', dir, 42, undefined]) {
      expect(await invoke(FILE_CHANNELS.dropped, page, arg)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
    expect(await invoke(FILE_CHANNELS.dropped, 'https://evil.example/', file)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await invoke(FILE_CHANNELS.pick, 'https://evil.example/', 'csv')).toMatchObject({ ok: false });
  });

  it('registers the file picked in the dialog, and answers null when the user cancels', async () => {
    const files = new FileRegistry();
    const { ipc, invoke } = fakeIpc();
    const answers = [file, null];
    bindFileIpc(ipc, trusted, { files, pick: async () => answers.shift() ?? null });
    const page = 'app://campaign-tray/index.html';
    expect(await invoke(FILE_CHANNELS.pick, page, 'csv')).toMatchObject({ ok: true, value: { name: 'people.csv' } });
    expect(await invoke(FILE_CHANNELS.pick, page, 'csv')).toEqual({ ok: true, value: null });
    expect(await invoke(FILE_CHANNELS.pick, page, 'exe')).toMatchObject({ ok: false });
  });
});
