// Files a request may read, by opaque id. The page never names a path: the desktop shell
// registers what the user picked in its dialog or dropped on the window, and the headless server
// registers what the page uploaded over HTTP. An id is random, used once, and expires.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../errors';

/** An upload or pick the page never used is forgotten (and an upload deleted) after this long. */
export const FILE_ID_TTL_MS = 60 * 60_000;

export interface RegisteredFile {
  path: string;
  /** What the user sees: the picked file's own name, or the uploaded one's. */
  name: string;
  /** An upload copied into the data folder: deleted once used or expired. */
  owned: boolean;
}

export interface FileHandle {
  fileId: string;
  name: string;
  size: number;
}

export class FileRegistry {
  private files = new Map<string, RegisteredFile & { at: number }>();

  constructor(private now: () => number = Date.now) {}

  /** The request that takes the file reads and checks it; `size` is what the caller measured. */
  register(file: RegisteredFile & { size: number }): FileHandle {
    this.sweep();
    const fileId = randomBytes(18).toString('base64url');
    this.files.set(fileId, { path: file.path, name: file.name, owned: file.owned, at: this.now() });
    return { fileId, name: file.name, size: file.size };
  }

  /** Hands the file over to one request; the id is spent. */
  take(fileId: string): RegisteredFile {
    this.sweep();
    const f = this.files.get(fileId);
    if (!f) {
      throw new AppError(
        'not_found',
        'That file is no longer available (each file can be used once, within an hour). Choose or drop it again.',
      );
    }
    this.files.delete(fileId);
    const { at: _at, ...file } = f;
    return file;
  }

  /** Deletes every upload not yet used (at shutdown). */
  dispose(): void {
    for (const f of this.files.values()) if (f.owned) fs.rmSync(f.path, { force: true });
    this.files.clear();
  }

  private sweep(): void {
    const cutoff = this.now() - FILE_ID_TTL_MS;
    for (const [id, f] of this.files) {
      if (f.at >= cutoff) continue;
      this.files.delete(id);
      if (f.owned) fs.rmSync(f.path, { force: true });
    }
  }
}
