// The local test outbox: the messages it wrote, and each one's raw bytes (read back only from
// inside the outbox folder).
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { outboxDir } from '../transports/registry';
import type { Handlers } from './handlers';

export function outboxHandlers(ctx: EngineContext): Pick<Handlers, 'outbox.list' | 'outbox.read'> {
  const { store } = ctx;
  return {
    'outbox.list': ({ campaignId, search, after, limit }) => store.outbox.list({ campaignId, search, after, limit }),
    'outbox.read': async ({ id }) => {
      const item = store.outbox.get(id);
      if (!item) throw notFound('The message');
      // Only files inside the outbox folder are ever read back.
      const root = path.resolve(outboxDir(ctx.dataDir));
      const file = path.resolve(item.path);
      if (!file.startsWith(root + path.sep)) throw new AppError('forbidden', 'That message is outside the outbox.');
      let raw: string;
      try {
        raw = await fs.readFile(file, 'utf8');
      } catch {
        throw notFound('The message file (it may have been deleted from the outbox folder)');
      }
      // Decoded here (transfer encodings, charsets) so the page only shows it, in a sandboxed frame.
      const parsed = await simpleParser(raw);
      return { item, raw, html: typeof parsed.html === 'string' ? parsed.html : null, text: parsed.text ?? null };
    },
  };
}
