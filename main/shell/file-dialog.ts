// The shell's own open dialog: the one way besides a drop that a local file reaches a request.
import { type BrowserWindow, dialog } from 'electron';
import type { FilePickKind } from '../../shared/bridge';

const FILTERS: Record<FilePickKind, Electron.FileFilter[]> = {
  csv: [
    { name: 'Spreadsheet exports', extensions: ['csv', 'tsv', 'txt'] },
    { name: 'All files', extensions: ['*'] },
  ],
  attachment: [{ name: 'All files', extensions: ['*'] }],
};

/** The chosen file's path, or null when the user cancels. */
export async function pickFile(win: BrowserWindow | null, kind: FilePickKind): Promise<string | null> {
  const options: Electron.OpenDialogOptions = { properties: ['openFile'], filters: FILTERS[kind] };
  const r =
    win && !win.isDestroyed() ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}
