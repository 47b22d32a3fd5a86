// A file on this machine as the desktop shell hands it to a request: registered by the main
// process (dialog or drop), named by its opaque id.
import path from 'node:path';
import type { FileRegistry } from '../../main/engine/files/registry';

export function picked(files: FileRegistry, file: string): { fileId: string } {
  return { fileId: files.register({ path: file, name: path.basename(file), owned: false, size: 0 }).fileId };
}
