// Browser file helpers. A dropped or picked file goes to the main process first (the shell
// resolves it over IPC, the headless server takes it by HTTP POST) and a request names it by the
// id that comes back; downloads come back as text.
import type { FileDownload, FileSource } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { Client } from '../client';

/** A `{ fileId }` source for a File from a drop or a file input. */
export async function fileSource(client: Client, file: File): Promise<Result<FileSource>> {
  const up = await client.upload(file);
  return up.ok ? { ok: true, value: { fileId: up.value.fileId } } : up;
}

export function saveDownload(file: FileDownload): void {
  const blob = new Blob([file.content], { type: file.contentType });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
