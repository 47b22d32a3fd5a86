// The embedded local test outbox: every message becomes a real .eml file (the exact bytes an SMTP
// server would get) plus an index row, so a whole campaign can be tried without sending mail.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDirAsync, PRIVATE_FILE_MODE } from '../private-files';
import type { Store } from '../store';
import { type SendReceipt, type Transport, TransportError } from './transport';

/** A file name from a Message-ID: no brackets, no path separators, nothing a file system rejects. */
export function safeMessageFileName(messageId: string): string {
  const bare = messageId
    .trim()
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._@+-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 180);
  return bare.length > 0 ? bare : 'message';
}

function day(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function errCode(err: unknown): string {
  return (err as { code?: string }).code ?? 'error';
}

function notWritable(dir: string, err: unknown): TransportError {
  return new TransportError({
    source: 'config',
    message: `The local test outbox folder ${dir} cannot be written (${errCode(err)}). Check that it exists, is writable and that the disk has space.`,
  });
}

export function createOutboxTransport(deps: { dir: string; store: Store; now: () => number }): Transport {
  const { dir, store, now } = deps;

  return {
    async send(message): Promise<SendReceipt> {
      const at = now();
      const folder = path.join(dir, day(at));
      const base = safeMessageFileName(message.messageId);
      const tmp = path.join(folder, `.${base}.${randomBytes(6).toString('hex')}.tmp`);
      let file = path.join(folder, `${base}.eml`);
      try {
        await makePrivateDirAsync(folder);
        const fh = await fs.promises.open(tmp, 'wx', PRIVATE_FILE_MODE);
        try {
          await fh.writeFile(message.raw);
          await fh.sync();
        } finally {
          await fh.close();
        }
        // Synchronous from here on: picking a free name and renaming cannot interleave with
        // another send. A resend of the same Message-ID keeps the earlier file.
        for (let n = 2; fs.existsSync(file); n++) file = path.join(folder, `${base}-${n}.eml`);
        fs.renameSync(tmp, file);
      } catch (err) {
        await fs.promises.rm(tmp, { force: true }).catch(() => {});
        throw notWritable(dir, err);
      }
      store.outbox.add({
        campaignId: message.meta.campaignId,
        recipientId: message.meta.recipientId,
        messageId: message.messageId,
        to: message.envelope.to.join(', '),
        subject: message.meta.subject,
        path: file,
        createdAt: at,
      });
      return { response: `250 Saved to the local test outbox as ${path.relative(dir, file)}` };
    },
    async verify(): Promise<void> {
      const probe = path.join(dir, `.probe-${randomBytes(6).toString('hex')}`);
      try {
        await makePrivateDirAsync(dir);
        await fs.promises.writeFile(probe, 'ok', { flag: 'wx', mode: PRIVATE_FILE_MODE });
        await fs.promises.rm(probe, { force: true });
      } catch (err) {
        throw notWritable(dir, err);
      }
    },
    async close(): Promise<void> {},
  };
}
