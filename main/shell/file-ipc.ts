// Local files for the page, without the page ever naming a path. Kept apart from ipc-binding.ts,
// which the sandboxed preload also imports and so must not pull in Node modules.
import fs from 'node:fs';
import path from 'node:path';
import { FILE_CHANNELS, FILE_PICK_KINDS, type FilePickKind } from '../../shared/bridge';
import type { UploadedFile } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { FileRegistry } from '../engine/files/registry';
import { forbidden, type IpcEventLike, type IpcMainLike } from './ipc-binding';

const fileRefused = (message: string): Result<never> => ({ ok: false, error: { code: 'invalid_input', message } });

/** Registers a file the user handed over (drop or dialog); never a folder or a path the page made up. */
function register(files: FileRegistry, file: string): Result<UploadedFile> {
  if (!path.isAbsolute(file)) {
    return fileRefused('This file cannot be opened from here. Drop it from your file manager or use Choose file.');
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return fileRefused(`${path.basename(file)} was not found. Check that it still exists and try again.`);
  }
  if (!st.isFile()) return fileRefused(`${path.basename(file)} is a folder, not a file. Choose a file.`);
  return { ok: true, value: files.register({ path: file, name: path.basename(file), owned: false, size: st.size }) };
}

/**
 * The two file channels: a File the preload resolved with webUtils.getPathForFile (the page
 * cannot forge one: a File it builds itself has no path), and the shell's own open dialog. Both
 * answer with an opaque id that a request names as `{ fileId }`.
 */
export function bindFileIpc(
  ipcMain: IpcMainLike,
  isTrusted: (e: IpcEventLike) => boolean,
  deps: { files: FileRegistry; pick: (kind: FilePickKind) => Promise<string | null> },
): () => void {
  const kinds = new Set<string>(FILE_PICK_KINDS);
  ipcMain.handle(FILE_CHANNELS.dropped, (event, file) => {
    if (!isTrusted(event)) return forbidden;
    if (typeof file !== 'string' || file === '') {
      return fileRefused('This file cannot be opened from here. Drop it from your file manager or use Choose file.');
    }
    return register(deps.files, file);
  });
  ipcMain.handle(FILE_CHANNELS.pick, async (event, kind) => {
    if (!isTrusted(event)) return forbidden;
    if (typeof kind !== 'string' || !kinds.has(kind)) return fileRefused('Unknown kind of file.');
    const picked = await deps.pick(kind as FilePickKind);
    return picked === null ? { ok: true, value: null } : register(deps.files, picked);
  });
  return () => {
    ipcMain.removeHandler(FILE_CHANNELS.dropped);
    ipcMain.removeHandler(FILE_CHANNELS.pick);
  };
}
