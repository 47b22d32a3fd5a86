// Attachments are copied into the app's data folder, so a campaign still sends after the
// original file was moved or deleted, and a crash mid-campaign resends the same bytes.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AttachmentRef } from '../../../shared/domain';
import { AppError } from '../errors';
import { makePrivateDirAsync, PRIVATE_FILE_MODE } from '../private-files';

/**
 * Total per campaign. Gmail and most SMTP providers refuse messages over 25 MB, counted as sent:
 * base64 with a line break every 76 characters makes a file 4/3 × 78/76 ≈ 1.37 times larger.
 * 17 MiB of files becomes about 24.4 MB, leaving room for the text and HTML parts; 18 MiB would
 * already be about 25.8 MB.
 */
export const MAX_ATTACHMENTS_BYTES = 17 * 1024 * 1024;

const MAX_NAME = 120;

const MIME_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  ics: 'text/calendar',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  rtf: 'application/rtf',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

export function contentTypeOf(filename: string): string {
  const ext = filename.toLowerCase().split('.').pop() ?? '';
  return MIME_TYPES[ext] ?? 'application/octet-stream';
}

/**
 * A file name that is safe on every file system and in a MIME header: the last path segment
 * only, no control or reserved characters, no leading dots, no Windows device names.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  let s = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*]+/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .replace(/\s+/g, ' ');
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(s)) s = `_${s}`;
  if (s.length > MAX_NAME) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : '';
    s = s.slice(0, MAX_NAME - ext.length) + ext;
  }
  return s || 'attachment';
}

const folderOf = (dataDir: string, campaignId: number) => path.join(dataDir, 'attachments', String(campaignId));

const ID = /^[a-f0-9-]{36}$/;

export function attachmentPath(dataDir: string, campaignId: number, ref: AttachmentRef): string {
  // The ref comes from the database; a tampered id or name must still not leave the folder.
  if (!ID.test(ref.id))
    throw new AppError('invalid_input', 'This attachment reference is damaged. Remove it and add the file again.');
  return path.join(folderOf(dataDir, campaignId), `${ref.id}-${safeFileName(ref.filename)}`);
}

function tooLarge(size: number, used: number): AppError {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return new AppError(
    'invalid_input',
    `This file (${mb(size)}) would bring the campaign's attachments to ${mb(size + used)}; the limit is ` +
      `${mb(MAX_ATTACHMENTS_BYTES)} in total, because mail providers refuse messages over 25 MB. ` +
      'Share large files as a link instead.',
  );
}

export async function storeAttachment(
  dataDir: string,
  campaignId: number,
  file: { name: string; bytes: Buffer } | { path: string; name?: string },
  existing: AttachmentRef[],
): Promise<AttachmentRef> {
  const used = existing.reduce((n, a) => n + a.size, 0);
  let name: string;
  let bytes: Buffer;
  if ('bytes' in file) {
    name = file.name;
    bytes = file.bytes;
  } else {
    name = file.name ?? path.basename(file.path);
    let size: number;
    try {
      const st = await fs.stat(file.path);
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      size = st.size;
    } catch (err) {
      throw unreadable(file.path, err);
    }
    // Refuse before reading a huge file into memory.
    if (used + size > MAX_ATTACHMENTS_BYTES) throw tooLarge(size, used);
    try {
      bytes = await fs.readFile(file.path);
    } catch (err) {
      throw unreadable(file.path, err);
    }
  }
  if (used + bytes.length > MAX_ATTACHMENTS_BYTES) throw tooLarge(bytes.length, used);
  const filename = safeFileName(name);
  const ref: AttachmentRef = { id: randomUUID(), filename, size: bytes.length, contentType: contentTypeOf(filename) };
  const target = attachmentPath(dataDir, campaignId, ref);
  await makePrivateDirAsync(path.dirname(target));
  // Written aside and renamed, so a crash never leaves half a file under the final name.
  const partial = `${target}.partial`;
  await fs.writeFile(partial, bytes, { mode: PRIVATE_FILE_MODE });
  await fs.rename(partial, target);
  return ref;
}

function unreadable(file: string, err: unknown): AppError {
  const code = (err as { code?: string }).code;
  const why =
    code === 'ENOENT'
      ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission was denied'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : 'it could not be read';
  return new AppError('invalid_input', `The file ${file} cannot be attached: ${why}. Choose another file.`);
}

export async function removeAttachment(dataDir: string, campaignId: number, ref: AttachmentRef): Promise<void> {
  await fs.rm(attachmentPath(dataDir, campaignId, ref), { force: true });
}
