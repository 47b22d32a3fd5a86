// `POST /upload`: a file from the page, streamed to the data folder and registered by opaque id.
// The body never sits in memory or in a WebSocket frame. The same three checks as the WebSocket
// guard it: a Host naming this server (checked by the caller), this server's Origin, and the
// session token, here in a header (never in the URL, where logs and history would keep it).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UPLOAD_NAME_HEADER, UPLOAD_TOKEN_HEADER } from '../../shared/bridge';
import type { UploadedFile } from '../../shared/contract';
import type { FileRegistry } from '../engine/files/registry';
import type { Logger } from '../engine/log';
import { makePrivateDirAsync, PRIVATE_FILE_MODE } from '../engine/private-files';
import { sameSecret } from './secret-compare';

/** The largest file an import accepts. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
/** Uploads running at once; more wait for the page to retry. */
const MAX_PARALLEL_UPLOADS = 4;

export interface UploadOptions {
  token: string;
  allowedOrigins: readonly string[];
  files: FileRegistry;
  /** Where bodies are written (the data folder's tmp/). */
  dir: string;
  maxBytes: number;
  log: Logger;
}

type Answer = (status: number, body: string | UploadedFile) => void;

function fileNameOf(req: http.IncomingMessage): string {
  let name = '';
  try {
    name = decodeURIComponent(String(req.headers[UPLOAD_NAME_HEADER] ?? ''));
  } catch {}
  // A name, never a path: only its last part, without control characters.
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '');
  return base.slice(0, 255) || 'upload';
}

export function createUploadHandler(opts: UploadOptions) {
  let running = 0;

  return async function handleUpload(req: http.IncomingMessage, answer: Answer): Promise<void> {
    if (!opts.allowedOrigins.includes(req.headers.origin ?? '')) {
      req.resume();
      return answer(403, 'Only Campaign Tray’s own page may upload files.');
    }
    const token = req.headers[UPLOAD_TOKEN_HEADER];
    if (typeof token !== 'string' || !sameSecret(token, opts.token)) {
      req.resume();
      return answer(401, 'Missing or wrong token: reload the address the server printed, including #token=….');
    }
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > opts.maxBytes) {
      req.resume();
      return answer(
        413,
        `The file is too large: at most ${Math.floor(opts.maxBytes / 1024 / 1024)} MiB can be uploaded.`,
      );
    }
    if (running >= MAX_PARALLEL_UPLOADS) {
      req.resume();
      return answer(503, 'Too many uploads at once. Wait for one to finish, then try again.');
    }
    running++;
    const name = fileNameOf(req);
    const file = path.join(opts.dir, `${randomBytes(12).toString('hex')}.upload`);
    let size = 0;
    let tooLarge = false;
    try {
      await makePrivateDirAsync(opts.dir);
      const out = fs.createWriteStream(file, { flags: 'wx', mode: PRIVATE_FILE_MODE });
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the answer, a sender that keeps going is cut off rather than drained forever.
        if (tooLarge && size > opts.maxBytes + 1024 * 1024) req.destroy();
        if (size > opts.maxBytes && !tooLarge) {
          tooLarge = true;
          req.unpipe(out);
          out.destroy();
          req.resume();
          answer(413, `The file is too large: at most ${Math.floor(opts.maxBytes / 1024 / 1024)} MiB can be uploaded.`);
        }
      });
      await pipeline(req, out).catch((err) => {
        if (!tooLarge) throw err;
      });
      if (tooLarge) {
        await fs.promises.rm(file, { force: true });
        return;
      }
      answer(200, opts.files.register({ path: file, name, owned: true, size }));
    } catch (err) {
      await fs.promises.rm(file, { force: true });
      opts.log.warn('an upload failed', err);
      if (!tooLarge) answer(400, 'The upload broke off. Try again.');
    } finally {
      running--;
    }
  };
}
